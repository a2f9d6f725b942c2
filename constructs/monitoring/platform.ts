import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ILayerCharts, LAYERS_CONTEXT, Layer } from '../core/layers';
import { Alert, AlertGroup, Dashboard, ISTIO_AGENT_SCRAPE_FAILURES } from '../core/monitoring';
import { PlatformMonitoring } from './monitoring';
import {
  MONITORING_KEY,
  PLATFORM_ALERT_GROUP,
  PLATFORM_ALERTS,
  PLATFORM_DASHBOARDS,
  PROFILE_NAMESPACE_LABEL,
} from './names';

/** Thresholds of the platform-wide alerts (`monitoring.alerts`). */
export interface PlatformAlertThresholds {
  /** @default 0.05 */
  readonly webhookFailureRatio?: number;
  /** @default 2 */
  readonly webhookLatencySeconds?: number;
  /** @default '15m' */
  readonly workloadUnavailableFor?: string;
}

/**
 * Metric names the platform-wide alerts and dashboards read, with where upstream defines them.
 * kube-state-metrics and the API server's metrics are expected from the cluster's monitoring
 * (kube-prometheus-stack scrapes both).
 */
export const PLATFORM_METRICS = {
  /** staging/src/k8s.io/apiserver/pkg/admission/metrics/metrics.go (Kubernetes v1.32) */
  webhookRejections: 'apiserver_admission_webhook_rejection_count',
  webhookFailOpen: 'apiserver_admission_webhook_fail_open_count',
  webhookRequests: 'apiserver_admission_webhook_request_total',
  webhookLatencyBucket: 'apiserver_admission_webhook_admission_duration_seconds_bucket',
  /** kube-state-metrics v2.20.0 internal/store/deployment.go */
  deploymentAvailable: 'kube_deployment_status_replicas_available',
  deploymentDesired: 'kube_deployment_spec_replicas',
  /** kube-state-metrics v2.20.0 internal/store/statefulset.go */
  statefulSetReady: 'kube_statefulset_status_replicas_ready',
  statefulSetDesired: 'kube_statefulset_replicas',
  /** kube-state-metrics v2.20.0 internal/store/daemonset.go */
  daemonSetAvailable: 'kube_daemonset_status_number_available',
  daemonSetDesired: 'kube_daemonset_status_desired_number_scheduled',
  /** kube-state-metrics v2.20.0 internal/store/resourcequota.go (labels resource, type) */
  resourceQuota: 'kube_resourcequota',
  /** controller-runtime pkg/internal/controller/metrics/metrics.go */
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  reconciles: 'controller_runtime_reconcile_total',
  /** cAdvisor (kubelet /metrics/cadvisor) */
  containerCpu: 'container_cpu_usage_seconds_total',
  containerMemory: 'container_memory_working_set_bytes',
  /** Synthesized by Prometheus for every target. */
  up: 'up',
  /** The sidecar agent's failed reads of a meshed target's application. */
  agentScrapeFailures: ISTIO_AGENT_SCRAPE_FAILURES,
} as const;

const M = PLATFORM_METRICS;

/** A PromQL regex matching exactly `values` (dots and other specials escaped). */
export function promRegex(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}

/** Every ApiObject of the tree under `scope`. */
function apiObjects(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/**
 * The names of every admission webhook on the platform (each webhook entry of every Mutating- or
 * ValidatingWebhookConfiguration), sorted.
 */
export function platformWebhookNames(root: IConstruct): string[] {
  const names = new Set<string>();
  for (const obj of apiObjects(root.node.root)) {
    if (
      obj.kind !== 'MutatingWebhookConfiguration' &&
      obj.kind !== 'ValidatingWebhookConfiguration'
    ) {
      continue;
    }
    const json = obj.toJson() as { webhooks?: { name?: string }[] };
    for (const hook of json.webhooks ?? []) if (hook.name) names.add(hook.name);
  }
  return [...names].sort();
}

/**
 * The namespaces the platform creates for its components (the Namespace objects of the namespaces
 * layer, or of the whole tree outside a platform), without tenant namespaces; sorted.
 */
export function platformNamespaces(root: IConstruct): string[] {
  const charts = root.node.tryGetContext(LAYERS_CONTEXT) as ILayerCharts | undefined;
  const scope = charts ? charts.chartFor(Layer.NAMESPACES) : root.node.root;
  const tenantLabel = Object.entries(PROFILE_NAMESPACE_LABEL);
  const names = new Set<string>();
  for (const obj of apiObjects(scope)) {
    if (obj.kind !== 'Namespace') continue;
    if (tenantLabel.every(([k, v]) => obj.metadata.getLabel(k) === v)) continue;
    names.add(obj.name);
  }
  return [...names].sort();
}

/** The platform-wide alerts, for the webhooks and namespaces found. */
export function platformAlerts(
  webhooks: readonly string[],
  namespaces: readonly string[],
  thresholds: PlatformAlertThresholds = {},
): Alert[] {
  const ratio = thresholds.webhookFailureRatio ?? 0.05;
  const latency = thresholds.webhookLatencySeconds ?? 2;
  const unavailableFor = thresholds.workloadUnavailableFor ?? '15m';
  const alerts: Alert[] = [];
  if (webhooks.length > 0) {
    const hooks = `name=~"${promRegex(webhooks)}"`;
    const failed = `error_type=~"calling_webhook_error|apiserver_internal_error"`;
    const calls = `0 * sum by (name) (rate(${M.webhookRequests}{${hooks}}[5m]))`;
    alerts.push(
      {
        name: PLATFORM_ALERTS.webhookCallsFailing,
        // Each term falls back to 0 for a webhook that has calls but no such failures yet.
        expr: [
          `(`,
          `  (sum by (name) (rate(${M.webhookRejections}{${hooks},${failed}}[5m])) or ${calls})`,
          `  + (sum by (name) (rate(${M.webhookFailOpen}{${hooks}}[5m])) or ${calls})`,
          `)`,
          `/ sum by (name) (rate(${M.webhookRequests}{${hooks}}[5m]))`,
          `> ${ratio}`,
        ].join('\n'),
        for: '5m',
        severity: 'critical',
        summary: `Admission webhook {{ $labels.name }} fails {{ $value | humanizePercentage }} of its calls`,
        description: `The API server cannot reach or get an answer from the admission webhook {{ $labels.name }} for more than ${ratio * 100} % of the requests it sends it. With failurePolicy Fail the objects it admits (pods of notebooks, pipeline runs, inference services, certificates) are refused; with Ignore they are admitted unchanged, without the defaults or checks the webhook adds.`,
        runbook: `Find the webhook's configuration and service: \`kubectl get mutatingwebhookconfigurations,validatingwebhookconfigurations -o custom-columns=NAME:.metadata.name,HOOKS:.webhooks[*].name,SERVICE:.webhooks[*].clientConfig.service.name,NS:.webhooks[*].clientConfig.service.namespace\`. Check that the service has ready endpoints (\`kubectl -n <ns> get endpointslices -l kubernetes.io/service-name=<service>\`) and read the webhook pods' logs. A "x509" error in the API server's events means the caBundle is stale: check the serving Certificate (\`kubectl -n <ns> get certificate\`) and that cert-manager's cainjector runs (\`kubectl -n cert-manager get pods\`). A timeout points at a NetworkPolicy that blocks the API server (the platform allows it on the webhook port; \`kubectl -n <ns> get networkpolicy\`). Restart the webhook's Deployment only after the cause is known.`,
        metrics: [M.webhookRejections, M.webhookFailOpen, M.webhookRequests],
      },
      {
        name: PLATFORM_ALERTS.webhookSlow,
        expr: `histogram_quantile(0.99, sum by (name, le) (rate(${M.webhookLatencyBucket}{${hooks}}[5m]))) > ${latency}`,
        for: '10m',
        severity: 'warning',
        summary: `Admission webhook {{ $labels.name }} answers in {{ $value | humanizeDuration }} (99th percentile)`,
        description: `Every create or update the webhook {{ $labels.name }} admits waits for it; above ${latency} s users see slow \`kubectl apply\`, notebook and run starts, and near the webhook's timeout requests fail.`,
        runbook: `Look at the webhook pods' CPU and memory (\`kubectl -n <ns> top pods\`) against their limits, and at their logs for slow calls they make themselves (the API server, a database). Check that the webhook's \`objectSelector\`/\`namespaceSelector\` do not send it more objects than it needs (\`kubectl get mutatingwebhookconfiguration <name> -o yaml\`). Scale the Deployment or raise its limits if it is saturated.`,
        metrics: [M.webhookLatencyBucket],
      },
    );
  }
  if (namespaces.length > 0) {
    const ns = `namespace=~"${promRegex(namespaces)}"`;
    alerts.push(
      {
        name: PLATFORM_ALERTS.workloadUnavailable,
        // max by: one series per workload even with several kube-state-metrics replicas.
        expr: [
          `(max by (namespace, deployment) (${M.deploymentDesired}{${ns}}) > 0)`,
          `and on (namespace, deployment) (max by (namespace, deployment) (${M.deploymentAvailable}{${ns}}) == 0)`,
          `or`,
          `(max by (namespace, statefulset) (${M.statefulSetDesired}{${ns}}) > 0)`,
          `and on (namespace, statefulset) (max by (namespace, statefulset) (${M.statefulSetReady}{${ns}}) == 0)`,
          `or`,
          `(max by (namespace, daemonset) (${M.daemonSetDesired}{${ns}}) > 0)`,
          `and on (namespace, daemonset) (max by (namespace, daemonset) (${M.daemonSetAvailable}{${ns}}) == 0)`,
        ].join('\n'),
        for: unavailableFor,
        severity: 'critical',
        summary: `{{ $labels.namespace }}/{{ $labels.deployment }}{{ $labels.statefulset }}{{ $labels.daemonset }} has no ready replica`,
        description: `A Deployment, StatefulSet or DaemonSet of the platform has had no available replica for ${unavailableFor}: what it serves (a controller, a webhook, a web app, a database, the mesh's CNI agent) is down for every user.`,
        runbook: `\`kubectl -n <namespace> describe deployment <name>\` (or statefulset) shows the rollout's condition; \`kubectl -n <namespace> get pods -l <its selector>\` and \`kubectl -n <namespace> describe pod <pod>\` show why the pods are not ready: an image that cannot be pulled (mirror it, see images.txt), a quota or a node without room, a failing probe (read the logs with \`--previous\`), a missing Secret or ConfigMap (\`install.sh\` lists the prerequisites). Fix the cause; deleting the pod only helps after that.`,
        metrics: [
          M.deploymentDesired,
          M.deploymentAvailable,
          M.statefulSetDesired,
          M.statefulSetReady,
          M.daemonSetDesired,
          M.daemonSetAvailable,
        ],
      },
      {
        name: PLATFORM_ALERTS.workloadDegraded,
        expr: [
          `max by (namespace, deployment) (${M.deploymentAvailable}{${ns}})`,
          `< on (namespace, deployment) max by (namespace, deployment) (${M.deploymentDesired}{${ns}})`,
          `or`,
          `max by (namespace, statefulset) (${M.statefulSetReady}{${ns}})`,
          `< on (namespace, statefulset) max by (namespace, statefulset) (${M.statefulSetDesired}{${ns}})`,
        ].join('\n'),
        for: '30m',
        severity: 'warning',
        summary: `{{ $labels.namespace }}/{{ $labels.deployment }}{{ $labels.statefulset }} runs fewer replicas than it should`,
        description:
          'A Deployment or StatefulSet of the platform has run below its replica count for 30 minutes: it still serves, but without the redundancy the prod preset counts on, and a rollout may be stuck.',
        runbook: `\`kubectl -n <namespace> get pods -l <its selector> -o wide\` shows which replicas are not ready and on which nodes; \`kubectl -n <namespace> describe pod <pod>\` says why (Pending: no node fits its requests or anti-affinity; CrashLoopBackOff: read \`kubectl logs --previous\`). \`kubectl -n <namespace> rollout status deployment/<name>\` tells a stuck rollout from a lost replica.`,
        metrics: [
          M.deploymentAvailable,
          M.deploymentDesired,
          M.statefulSetReady,
          M.statefulSetDesired,
        ],
      },
    );
  }
  return alerts;
}

/** "Platform health": targets, workloads, webhooks and controllers of the platform. */
export function platformHealthDashboard(
  webhooks: readonly string[],
  namespaces: readonly string[],
): Dashboard {
  const ns = `namespace=~"${promRegex(namespaces)}"`;
  const hooks = `name=~"${promRegex(webhooks)}"`;
  return {
    uid: PLATFORM_DASHBOARDS.health,
    title: 'MLOps platform health',
    description:
      'Scrape targets, workload availability, admission webhooks and controller reconcile errors of the platform.',
    rows: [
      {
        title: 'Scrape targets',
        panels: [
          {
            title: 'Targets up by job',
            queries: [{ expr: `sum by (job) (${M.up}{${ns}})`, legend: '{{job}}' }],
          },
          {
            title: 'Targets down',
            type: 'stat',
            queries: [{ expr: `count(${M.up}{${ns}} == 0) or vector(0)` }],
          },
          {
            // A meshed target stays up while its application is down: its sidecar agent answers.
            title: 'Applications the sidecar cannot read (per second)',
            description:
              "Meshed targets are read through their sidecar's agent, which answers even when the application does not; these are its failed reads of the application.",
            queries: [
              {
                expr: `sum by (job) (rate(${M.agentScrapeFailures}{${ns},type="application"}[5m]))`,
                legend: '{{job}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Workloads',
        panels: [
          {
            title: 'Deployments: available / desired replicas',
            unit: 'percentunit',
            queries: [
              {
                expr: `${M.deploymentAvailable}{${ns}} / on (namespace, deployment) ${M.deploymentDesired}{${ns}}`,
                legend: '{{namespace}}/{{deployment}}',
              },
            ],
          },
          {
            title: 'StatefulSets: ready / desired replicas',
            unit: 'percentunit',
            queries: [
              {
                expr: `${M.statefulSetReady}{${ns}} / on (namespace, statefulset) ${M.statefulSetDesired}{${ns}}`,
                legend: '{{namespace}}/{{statefulset}}',
              },
            ],
          },
        ],
      },
      ...(webhooks.length > 0
        ? [
            {
              title: 'Admission webhooks',
              panels: [
                {
                  title: 'Failed webhook calls per second',
                  unit: 'reqps',
                  queries: [
                    {
                      expr: `sum by (name) (rate(${M.webhookRejections}{${hooks},error_type=~"calling_webhook_error|apiserver_internal_error"}[5m]))`,
                      legend: '{{name}} rejected',
                    },
                    {
                      expr: `sum by (name) (rate(${M.webhookFailOpen}{${hooks}}[5m]))`,
                      legend: '{{name}} failed open',
                    },
                  ],
                },
                {
                  title: 'Webhook latency (99th percentile)',
                  unit: 's',
                  queries: [
                    {
                      expr: `histogram_quantile(0.99, sum by (name, le) (rate(${M.webhookLatencyBucket}{${hooks}}[5m])))`,
                      legend: '{{name}}',
                    },
                  ],
                },
                {
                  title: 'Webhook calls per second',
                  unit: 'reqps',
                  queries: [
                    {
                      expr: `sum by (name, code) (rate(${M.webhookRequests}{${hooks}}[5m]))`,
                      legend: '{{name}} {{code}}',
                    },
                  ],
                },
              ],
            },
          ]
        : []),
      {
        title: 'Controllers',
        panels: [
          {
            title: 'Reconcile errors per second',
            unit: 'ops',
            queries: [
              {
                expr: `sum by (namespace, controller) (rate(${M.reconcileErrors}{${ns}}[5m]))`,
                legend: '{{namespace}} {{controller}}',
              },
            ],
          },
          {
            title: 'Reconciles per second by result',
            unit: 'ops',
            queries: [
              {
                expr: `sum by (controller, result) (rate(${M.reconciles}{${ns}}[5m]))`,
                legend: '{{controller}} {{result}}',
              },
            ],
          },
        ],
      },
    ],
    metrics: [
      M.up,
      M.agentScrapeFailures,
      M.deploymentAvailable,
      M.deploymentDesired,
      M.statefulSetReady,
      M.statefulSetDesired,
      ...(webhooks.length > 0
        ? [M.webhookRejections, M.webhookFailOpen, M.webhookLatencyBucket, M.webhookRequests]
        : []),
      M.reconcileErrors,
      M.reconciles,
    ],
  };
}

/** "Tenant usage against quota": each namespace's quota use and its containers' usage. */
export function tenantUsageDashboard(): Dashboard {
  const ns = 'namespace=~"$namespace"';
  const ratio = (resource: string) =>
    `sum by (namespace) (${M.resourceQuota}{${ns},type="used",resource="${resource}"}) / sum by (namespace) (${M.resourceQuota}{${ns},type="hard",resource="${resource}"})`;
  return {
    uid: PLATFORM_DASHBOARDS.tenantUsage,
    title: 'MLOps tenant usage against quota',
    description:
      "Each tenant namespace's resource quota use (kube-state-metrics) and its containers' CPU and memory usage (cAdvisor).",
    variables: [
      // kube-state-metrics exposes namespace labels only when allow-listed, so tenants are listed
      // by their quotas rather than by the profile label.
      { name: 'namespace', label: 'namespace', query: M.resourceQuota, multi: true },
    ],
    rows: [
      {
        title: 'Quota',
        panels: [
          {
            title: 'CPU requests: used / quota',
            unit: 'percentunit',
            queries: [{ expr: ratio('requests.cpu'), legend: '{{namespace}}' }],
          },
          {
            title: 'Memory requests: used / quota',
            unit: 'percentunit',
            queries: [{ expr: ratio('requests.memory'), legend: '{{namespace}}' }],
          },
          {
            title: 'GPU requests: used / quota',
            unit: 'percentunit',
            queries: [{ expr: ratio('requests.nvidia.com/gpu'), legend: '{{namespace}}' }],
          },
          {
            title: 'Quota by resource',
            type: 'table',
            queries: [
              {
                expr: `sum by (namespace, resource, type) (${M.resourceQuota}{${ns}})`,
                legend: '{{namespace}} {{resource}} {{type}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Usage',
        panels: [
          {
            title: 'CPU usage (cores)',
            queries: [
              {
                expr: `sum by (namespace) (rate(${M.containerCpu}{${ns},container!=""}[5m]))`,
                legend: '{{namespace}}',
              },
            ],
          },
          {
            title: 'Memory working set',
            unit: 'bytes',
            queries: [
              {
                expr: `sum by (namespace) (${M.containerMemory}{${ns},container!=""})`,
                legend: '{{namespace}}',
              },
            ],
          },
        ],
      },
    ],
    metrics: [M.resourceQuota, M.containerCpu, M.containerMemory],
  };
}

export interface PlatformMonitoringContentProps {
  readonly monitoring: PlatformMonitoring;
  /** Where the PrometheusRule of the platform-wide alerts goes (Prometheus's namespace). */
  readonly namespace: string;
  readonly thresholds?: PlatformAlertThresholds;
}

/**
 * The monitoring component's own alerts and dashboards. They cover every webhook and namespace of
 * the platform, so their content is computed at synthesis, when the whole tree exists.
 */
export class PlatformMonitoringContent extends Construct {
  public constructor(scope: Construct, id: string, props: PlatformMonitoringContentProps) {
    super(scope, id);
    const { monitoring, namespace, thresholds } = props;
    monitoring.addLazyAlerts(this, {
      id: PLATFORM_ALERT_GROUP,
      namespace,
      component: MONITORING_KEY,
      produce: (): AlertGroup => ({
        id: PLATFORM_ALERT_GROUP,
        namespace,
        component: MONITORING_KEY,
        alerts: platformAlerts(platformWebhookNames(this), platformNamespaces(this), thresholds),
      }),
    });
    monitoring.addLazyDashboard(this, PLATFORM_DASHBOARDS.health, () =>
      platformHealthDashboard(platformWebhookNames(this), platformNamespaces(this)),
    );
    monitoring.addDashboard(this, tenantUsageDashboard());
  }
}
