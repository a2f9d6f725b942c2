import { Construct } from 'constructs';
import {
  Alert,
  Dashboard,
  IMonitoring,
  ISTIO_ENVOY_PROM_PORT,
  ISTIO_MERGED_METRICS_PATH,
  ScrapeJob,
} from '../core/monitoring';
import { boundedName } from '../core/names';
import { INamespace } from '../core/network';
import { KNATIVE_SERVING_SCRAPE_JOBS } from '../knative-serving/knative-serving';
import { KNATIVE_SERVING_NAMES } from '../knative-serving/names';
import { NET_ISTIO_SCRAPE_JOBS } from '../knative-serving/net-istio';
import { LOCAL_GATEWAY_SCRAPE_JOB } from '../knative-serving/net-istio-local-gateway';
import { NET_ISTIO_NAMES } from '../knative-serving/net-istio-names';
import { KSERVE_SCRAPE_JOB } from '../kserve/kserve';
import { KSERVE_KEYS, KSERVE_NAMES } from '../kserve/names';
import { MODEL_ALERT_DEFAULTS } from './config';

/**
 * The metrics serving's alerts and dashboard read. Model traffic comes from the Envoy sidecar of
 * each model pod (Istio's standard metrics: a counter and two histograms per request, labelled
 * with `reporter`, `response_code`, `source_workload`, `destination_workload`,
 * `destination_service` and the canonical services, which name the model when the
 * InferenceService has `meshTelemetryNames`), the same in Knative and Standard mode and for every
 * runtime, which export metrics of their own under names of their own or none; the controllers'
 * from controller-runtime. KServe's agent (the payload logger) has no metrics of its own at
 * v0.18.0: its CloudEvents show as requests the predictor's pods send.
 */
export const SERVING_METRICS = {
  requests: 'istio_requests_total',
  latencyBuckets: 'istio_request_duration_milliseconds_bucket',
  requestBytes: 'istio_request_bytes_sum',
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  reconcileTotal: 'controller_runtime_reconcile_total',
  up: 'up',
} as const;

/**
 * Envoy's own Prometheus endpoint in every sidecar (Istio's injection template declares it as
 * container port `http-envoy-prom`; the sidecar does not capture it, so Prometheus outside the
 * mesh reads it in plain HTTP).
 */
export const ENVOY_STATS_PORT = ISTIO_ENVOY_PROM_PORT;
export const ENVOY_STATS_PATH = ISTIO_MERGED_METRICS_PATH;

/**
 * The `job` label of a model's series (ids are unique on the platform): `isvc-<tenant>-<model>`,
 * cut with a hash when longer than a DNS label.
 */
export const modelScrapeId = (namespace: string, model: string): string =>
  boundedName(['isvc', namespace, model]);
const MODEL_JOB_PATTERN = 'isvc-.+';

/**
 * Requests Knative's autoscaler makes to queue-proxy's metrics port pass the model pod's sidecar
 * too: they are left out of what callers see.
 */
const NOT_AUTOSCALER = 'source_workload!="autoscaler"';

const downAlert = (a: {
  name: string;
  job: ScrapeJob;
  namespace: string;
  deployment: string;
  /** A label selector of its pods, for kubectl. */
  pods: string;
  severity: Alert['severity'];
  summary: string;
  description: string;
  cause: string;
}): Alert => ({
  name: a.name,
  expr: a.job.down,
  for: '5m',
  severity: a.severity,
  summary: a.summary,
  description: a.description,
  runbook: `Look at the pods: \`kubectl -n ${a.namespace} get deployment ${a.deployment}\` and \`kubectl -n ${a.namespace} describe pods -l ${a.pods}\`. A pod that restarts: \`kubectl -n ${a.namespace} logs deployment/${a.deployment} --previous\`. ${a.cause} Pods that run while the alert fires mean Prometheus cannot reach them: check the NetworkPolicies in ${a.namespace} (\`kubectl -n ${a.namespace} get networkpolicy\`) and the target's state on Prometheus's Targets page.`,
  metrics: [...a.job.downMetrics],
});

export interface ServingPlatformMonitoringProps {
  readonly monitoring: IMonitoring;
  /** Where KServe runs. */
  readonly kserveNamespace: string;
  readonly kserve: ScrapeJob;
  /** Knative Serving and net-istio (Serverless mode). */
  readonly knative?: {
    readonly namespace: string;
    readonly serving: Readonly<Record<keyof typeof KNATIVE_SERVING_SCRAPE_JOBS, ScrapeJob>>;
    readonly netIstio: Readonly<Record<keyof typeof NET_ISTIO_SCRAPE_JOBS, ScrapeJob>>;
    /** The cluster-local gateway all model calls pass in Serverless mode. */
    readonly localGateway: ScrapeJob;
  };
  /** The models of the environment file, with their thresholds. @default [] */
  readonly models?: readonly MonitoredModel[];
}

/** The alerts on KServe, Knative and net-istio, and the "Model serving" dashboard. */
export function monitorServingPlatform(scope: Construct, props: ServingPlatformMonitoringProps) {
  const ns = props.kserveNamespace;
  const m = SERVING_METRICS;
  const alerts: Alert[] = [
    downAlert({
      name: 'KServeControllerDown',
      job: props.kserve,
      namespace: ns,
      deployment: KSERVE_NAMES.deployment,
      pods: 'control-plane=kserve-controller-manager',
      severity: 'critical',
      summary: `The KServe controller in ${ns} is down.`,
      description:
        'No KServe controller answers. Its webhooks admit InferenceServices and the pods of models, so new and changed models are refused and model pods cannot start or scale up; nothing reconciles InferenceServices.',
      cause:
        'A webhook certificate that is not ready shows in `kubectl -n ' +
        ns +
        ' get certificate serving-cert`; kube-rbac-proxy failing alone leaves only the metrics gone.',
    }),
    {
      name: 'KServeReconcileErrorsHigh',
      expr: `sum by (controller) (rate(${m.reconcileErrors}{${props.kserve.selector}}[15m])) / sum by (controller) (rate(${m.reconcileTotal}{${props.kserve.selector}}[15m])) > 0.2`,
      for: '15m',
      severity: 'warning',
      summary: 'More than 20% of KServe {{ $labels.controller }} reconciles fail.',
      description:
        'The KServe controller keeps failing to reconcile: InferenceServices stay not ready or keep an old version, and their status is stale.',
      runbook: `Read the manager's log: \`kubectl -n ${ns} logs deployment/${KSERVE_NAMES.deployment} -c manager\` names the InferenceService and the error; \`kubectl get inferenceservices -A\` shows which are not ready. Usual causes: a runtime that no longer exists or does not serve the model's format, a storage URI the storage initializer cannot read, a tenant quota that refuses the pods, or (Serverless) a Knative Service the Knative webhook refuses.`,
      metrics: [m.reconcileErrors, m.reconcileTotal],
    },
  ];
  const k = props.knative;
  if (k) {
    const kn = k.namespace;
    alerts.push(
      downAlert({
        name: 'KnativeActivatorDown',
        job: k.serving.activator,
        namespace: kn,
        deployment: KNATIVE_SERVING_NAMES.activator.deployment,
        pods: 'app=activator',
        severity: 'critical',
        summary: `Knative's activator in ${kn} is down.`,
        description:
          'Requests for models scaled to zero, or without spare capacity, pass the activator: they fail or hang, and models at zero never wake up.',
        cause:
          'An activator that is out of memory under a burst of buffered requests is OOMKilled (`kubectl -n ' +
          kn +
          ' get hpa activator` shows how far it scaled).',
      }),
      downAlert({
        name: 'KnativeAutoscalerDown',
        job: k.serving.autoscaler,
        namespace: kn,
        deployment: KNATIVE_SERVING_NAMES.autoscaler.deployment,
        pods: 'app=autoscaler',
        severity: 'critical',
        summary: `Knative's autoscaler in ${kn} is down.`,
        description:
          'Models are not scaled: a model at zero is not started when a request comes, and busy models get no more pods.',
        cause:
          'The autoscaler elects a leader through Leases; `kubectl -n ' +
          kn +
          ' get lease` shows whether one holds them.',
      }),
      downAlert({
        name: 'KnativeWebhookDown',
        job: k.serving.webhook,
        namespace: kn,
        deployment: KNATIVE_SERVING_NAMES.webhook.deployment,
        pods: 'app=webhook',
        severity: 'critical',
        summary: `Knative Serving's webhook in ${kn} is down.`,
        description:
          "The API server cannot admit Knative Services, Revisions or Knative's config maps: new and changed models (Serverless) are refused.",
        cause:
          'The webhook writes its own certificate into the Secret `webhook-certs`; a Secret it may not update, or a webhook configuration without a caBundle (`kubectl get validatingwebhookconfiguration validation.webhook.serving.knative.dev -o yaml`), shows in its log.',
      }),
      downAlert({
        name: 'KnativeLocalGatewayDown',
        job: k.localGateway,
        namespace: kn,
        deployment: LOCAL_GATEWAY_SCRAPE_JOB,
        pods: 'app=knative-local-gateway',
        severity: 'critical',
        summary: `Knative's cluster-local gateway in ${kn} is down.`,
        description:
          'Every call of a model (Serverless mode) passes this gateway, from the platform gateway and from inside the cluster: they all fail.',
        cause:
          'The gateway pod is an Istio proxy filled in by the injector: a pod that stays Pending or in Init points at the injector (`kubectl -n istio-system logs deployment/istiod`) or at a proxy image the nodes cannot pull.',
      }),
      downAlert({
        name: 'KnativeServingControllerDown',
        job: k.serving.controller,
        namespace: kn,
        deployment: KNATIVE_SERVING_NAMES.controller.deployment,
        pods: 'app=controller',
        severity: 'warning',
        summary: `Knative Serving's controller in ${kn} is down.`,
        description:
          'Knative Services are not reconciled: new model versions get no revision, and routes do not change. Running models keep serving.',
        cause: 'Its log names the object it fails on.',
      }),
      downAlert({
        name: 'NetIstioControllerDown',
        job: k.netIstio.controller,
        namespace: kn,
        deployment: NET_ISTIO_NAMES.controller.deployment,
        pods: 'app=net-istio-controller',
        severity: 'warning',
        summary: `net-istio's controller in ${kn} is down.`,
        description:
          'Knative Ingresses are not turned into Istio routes: new models are not reachable, and traffic splits (canaries) do not change. Existing routes keep working.',
        cause: 'Its log names the Knative Ingress it fails on.',
      }),
    );
  }
  alerts.push(...modelAlerts(props.models ?? []));
  props.monitoring.addAlerts(scope, {
    id: 'model-serving',
    namespace: ns,
    component: 'serving',
    alerts,
  });
  props.monitoring.addDashboard(scope, modelServingDashboard(props));
}

/** The "Model serving" dashboard: every model's traffic, latency, errors and payload logs. */
export function modelServingDashboard(props: ServingPlatformMonitoringProps): Dashboard {
  const m = SERVING_METRICS;
  const inbound = `reporter="destination",namespace="$namespace",job=~"${MODEL_JOB_PATTERN}",destination_canonical_service="$model",${NOT_AUTOSCALER}`;
  // The logger runs next to the predictor, which is `<model>.predictor` behind a transformer.
  const outbound = `reporter="source",namespace="$namespace",job=~"${MODEL_JOB_PATTERN}",source_canonical_service=~"$model|$model[.]predictor"`;
  const quantile = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le, destination_workload) (rate(${m.latencyBuckets}{${inbound}}[5m])))`,
    legend: `p${Math.round(q * 100)} {{ destination_workload }}`,
  });
  const jobs = [
    KSERVE_SCRAPE_JOB,
    ...(props.knative
      ? [
          ...Object.values(KNATIVE_SERVING_SCRAPE_JOBS),
          ...Object.values(NET_ISTIO_SCRAPE_JOBS),
          LOCAL_GATEWAY_SCRAPE_JOB,
        ]
      : []),
  ];
  return {
    uid: 'mlops-model-serving',
    title: 'Model serving',
    description:
      "Requests, latency, errors and payload logs of each tenant's models (InferenceServices), as their pods' sidecars count them, and the serving controllers.",
    variables: [
      // Grafana lists label_values(<query>, <label>).
      {
        name: 'namespace',
        label: 'namespace',
        query: `${m.requests}{reporter="destination",job=~"${MODEL_JOB_PATTERN}"}`,
      },
      {
        name: 'model',
        label: 'destination_canonical_service',
        query: `${m.requests}{reporter="destination",job=~"${MODEL_JOB_PATTERN}",namespace="$namespace",destination_canonical_service!~".+[.]predictor"}`,
      },
    ],
    rows: [
      {
        title: 'Requests',
        panels: [
          {
            title: 'Throughput',
            unit: 'reqps',
            description:
              'Requests the model answers per second, per component (predictor, transformer) and revision.',
            queries: [
              {
                expr: `sum by (destination_workload) (rate(${m.requests}{${inbound}}[5m]))`,
                legend: '{{ destination_workload }}',
              },
            ],
          },
          {
            title: 'Error ratio (5xx)',
            unit: 'percentunit',
            queries: [
              {
                expr: `sum by (destination_workload) (rate(${m.requests}{${inbound},response_code=~"5.."}[5m])) / sum by (destination_workload) (rate(${m.requests}{${inbound}}[5m]))`,
                legend: '{{ destination_workload }}',
              },
            ],
          },
          {
            title: 'Responses by code',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (response_code) (rate(${m.requests}{${inbound}}[5m]))`,
                legend: '{{ response_code }}',
              },
            ],
          },
        ],
      },
      {
        title: 'Latency',
        panels: [
          {
            title: 'Latency p50 / p95 / p99',
            unit: 'ms',
            description: 'Time from the request reaching the pod to the last byte of the answer.',
            queries: [quantile(0.5), quantile(0.95), quantile(0.99)],
          },
        ],
      },
      {
        title: 'Payload logging',
        panels: [
          {
            title: 'Requests the model sends',
            unit: 'reqps',
            description:
              "Calls from the model's pods, by destination: the payload logs to the tenant's payloadLogging sink (one CloudEvent per logged request or response), and a transformer's calls to its predictor.",
            queries: [
              {
                expr: `sum by (destination_service) (rate(${m.requests}{${outbound}}[5m]))`,
                legend: '{{ destination_service }}',
              },
            ],
          },
          {
            title: 'Bytes sent',
            unit: 'Bps',
            queries: [
              {
                expr: `sum by (destination_service) (rate(${m.requestBytes}{${outbound}}[5m]))`,
                legend: '{{ destination_service }}',
              },
            ],
          },
          {
            title: 'Failed sends',
            unit: 'reqps',
            description:
              'Calls the destination did not answer with a 2xx: payload logs that were lost.',
            queries: [
              {
                expr: `sum by (destination_service, response_code) (rate(${m.requests}{${outbound},response_code!~"2.."}[5m]))`,
                legend: '{{ destination_service }} {{ response_code }}',
              },
            ],
          },
        ],
      },
      ...(props.knative
        ? [
            {
              title: 'Cluster-local gateway',
              panels: [
                {
                  title: 'Responses by code',
                  unit: 'reqps',
                  description:
                    "Model calls that pass Knative's cluster-local gateway (Serverless), all tenants: 403 is a caller the model's tenant does not admit, 503 a model without a ready pod.",
                  queries: [
                    {
                      expr: `sum by (response_code) (rate(${m.requests}{${props.knative.localGateway.selector}}[5m]))`,
                      legend: '{{ response_code }}',
                    },
                  ],
                },
              ],
            },
          ]
        : []),
      {
        title: 'Serving controllers',
        panels: [
          {
            title: 'Targets up',
            type: 'stat',
            queries: [{ expr: `sum by (job) (up{job=~"${jobs.join('|')}"})`, legend: '{{ job }}' }],
          },
          {
            title: 'KServe reconcile errors',
            unit: 'ops',
            queries: [
              {
                expr: `sum by (controller) (rate(${m.reconcileErrors}{job="${KSERVE_SCRAPE_JOB}"}[5m]))`,
                legend: '{{ controller }}',
              },
            ],
          },
        ],
      },
    ],
    metrics: [m.requests, m.latencyBuckets, m.requestBytes, m.reconcileErrors, m.up],
  };
}

/** A declared model as its scrape target and alerts see it. */
export interface MonitoredModel {
  /** The tenant's namespace. */
  readonly namespace: string;
  readonly name: string;
  readonly errorRatePercent: number;
  readonly latencyP95Ms: number;
}

/**
 * The sidecars of each model's pods (predictor, transformer, canary) are scraped on Envoy's own
 * port; one target per model, in its tenant's namespace.
 */
export function scrapeTenantModels(
  scope: Construct,
  monitoring: IMonitoring,
  tenant: INamespace,
  models: readonly string[],
): ScrapeJob[] {
  return models.map((model) =>
    monitoring.scrape(scope, {
      id: modelScrapeId(tenant.name, model),
      namespace: tenant,
      podLabels: { [KSERVE_KEYS.inferenceServicePodLabel]: model },
      port: ENVOY_STATS_PORT,
      path: ENVOY_STATS_PATH,
      description: `Model ${model}: requests, latency and responses its pods' sidecars count`,
    }),
  );
}

/**
 * What callers of the declared models see, per model: the requests the entry component answers
 * (the model's canonical service; a predictor behind a transformer is `<name>.predictor`), not
 * the autoscaler's scrapes of queue-proxy.
 */
const MODEL_REQUESTS = `reporter="destination",job=~"${MODEL_JOB_PATTERN}",destination_canonical_service!~".+[.]predictor",${NOT_AUTOSCALER}`;
const BY_MODEL = 'namespace, destination_canonical_service';

/**
 * `expr(selector) > threshold` for every model: models on the default threshold share one term,
 * each other threshold gets a term for its models (by their jobs), so the rule grows with the
 * models that set their own thresholds only.
 */
function perModel(
  models: readonly MonitoredModel[],
  threshold: (m: MonitoredModel) => number,
  fallback: number,
  expr: (selector: string) => string,
): string {
  const byThreshold = new Map<number, string[]>();
  for (const m of models) {
    const t = threshold(m);
    if (t === fallback) continue;
    byThreshold.set(t, [...(byThreshold.get(t) ?? []), modelScrapeId(m.namespace, m.name)]);
  }
  const custom = [...byThreshold.values()].flat();
  const terms = [
    `${expr(custom.length > 0 ? `${MODEL_REQUESTS},job!~"${custom.join('|')}"` : MODEL_REQUESTS)} > ${fallback}`,
    ...[...byThreshold.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, jobs]) => `${expr(`${MODEL_REQUESTS},job=~"${jobs.join('|')}"`)} > ${t}`),
  ];
  const joined = terms.length === 1 ? terms[0] : terms.map((x) => `(${x})`).join(' or ');
  // The alert's tenant and model labels, from the series' own.
  return `label_replace(label_replace(${joined}, "tenant", "$1", "namespace", "(.+)"), "model", "$1", "destination_canonical_service", "(.+)")`;
}

/**
 * `InferenceServiceErrorRateHigh` and `InferenceServiceLatencyHigh` over every declared model,
 * each model against its own thresholds (`tenants[].models[].alerts`); one alert of each on the
 * platform (alert names are unique on the platform), labelled with the tenant and model.
 */
export function modelAlerts(models: readonly MonitoredModel[]): Alert[] {
  if (models.length === 0) return [];
  const m = SERVING_METRICS;
  const look =
    '`kubectl -n {{ $labels.tenant }} get inferenceservice {{ $labels.model }}` and `kubectl -n {{ $labels.tenant }} get pods -l serving.kserve.io/inferenceservice={{ $labels.model }}`';
  return [
    {
      name: 'InferenceServiceErrorRateHigh',
      expr: perModel(
        models,
        (x) => x.errorRatePercent,
        MODEL_ALERT_DEFAULTS.errorRatePercent,
        (sel) =>
          `100 * sum by (${BY_MODEL}) (rate(${m.requests}{${sel},response_code=~"5.."}[5m])) / sum by (${BY_MODEL}) (rate(${m.requests}{${sel}}[5m]))`,
      ),
      for: '10m',
      severity: 'warning',
      summary:
        'Model {{ $labels.tenant }}/{{ $labels.model }} answers {{ $value | humanize }}% of requests with a 5xx.',
      description:
        "More of the model's requests failed with a 5xx over 5 minutes than its threshold (tenants[].models[].alerts.errorRatePercent, 5% unless set): its callers get errors.",
      runbook: `See the model's state and pods: ${look}. Read the model server's log (\`kubectl -n {{ $labels.tenant }} logs -l serving.kserve.io/inferenceservice={{ $labels.model }} -c kserve-container\`): a 500 is usually an input the model cannot handle or a runtime error; a 503 a pod that is not ready, out of memory (OOMKilled in \`kubectl describe pod\`) or, in Serverless mode, a start from zero that timed out (the activator's log: \`kubectl -n knative-serving logs deployment/activator\`). If a new version (storageUri, canary) just went out, roll back or lower the canary's trafficPercent. Raise the model's \`alerts.errorRatePercent\` if the rate is expected.`,
      metrics: [m.requests],
    },
    {
      name: 'InferenceServiceLatencyHigh',
      expr: perModel(
        models,
        (x) => x.latencyP95Ms,
        MODEL_ALERT_DEFAULTS.latencyP95Ms,
        (sel) =>
          `histogram_quantile(0.95, sum by (le, ${BY_MODEL}) (rate(${m.latencyBuckets}{${sel}}[5m])))`,
      ),
      for: '10m',
      severity: 'warning',
      summary:
        'Model {{ $labels.tenant }}/{{ $labels.model }} answers in {{ $value | humanize }} ms at the 95th percentile.',
      description:
        "The slowest 5% of the model's requests took longer over 5 minutes than its threshold (tenants[].models[].alerts.latencyP95Ms, 1000 ms unless set).",
      runbook: `See the model's state and pods: ${look}, and their CPU and memory against the limits (\`kubectl -n {{ $labels.tenant }} top pods -l serving.kserve.io/inferenceservice={{ $labels.model }}\`). A model at its limits needs more replicas (\`replicas.max\`, a lower \`scaleTarget\`) or resources; starts from zero show as spikes (set \`replicas.min\` to 1). On the Model serving dashboard, a rise that starts with a new revision points at the model itself. Raise the model's \`alerts.latencyP95Ms\` if the latency is expected.`,
      metrics: [m.latencyBuckets],
    },
  ];
}
