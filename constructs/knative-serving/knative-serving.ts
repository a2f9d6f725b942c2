import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_SUBDOMAIN, propProblem, throwIfProblems } from '../core/validation';
import { Suppressions } from '../core/policy';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { KnativeServingCrds } from './crds';
import {
  KNATIVE_SERVING_CONTROLLER_AGGREGATION_LABEL,
  KNATIVE_SERVING_NAMES as N,
  KNATIVE_SERVING_POD_LABELS,
  KNATIVE_SERVING_PORTS,
  KNATIVE_SERVING_SERVICE_PORTS as SP,
} from './names';
import { KNATIVE_SERVING_LABELS, KnativeServingPart } from './private/labels';
import {
  ACTIVATOR_CLUSTER_RULES,
  ACTIVATOR_NAMESPACE_RULES,
  ADDRESSABLE_RESOLVER_RULES,
  KNATIVE_AGGREGATED_ROLES,
  KNATIVE_SERVING_CORE_RULES,
  PODSPECABLE_BINDING_RULES,
} from './rbac';
import { KNATIVE_SERVING_DEFAULTS, KnativeServingSettings, knativeConfigData } from './settings';
import { KNATIVE_SERVING_IMAGES, KNATIVE_SERVING_UID } from './versions';
import {
  ACTIVATOR_FACTS,
  AUTOSCALER_FACTS,
  CONTROLLER_FACTS,
  KNATIVE_SERVING_DEFAULT_RESOURCES,
  WEBHOOK_FACTS,
  WorkloadFacts,
} from './workloads';

export type KnativeServingImage = keyof typeof KNATIVE_SERVING_IMAGES;

/** A workload scaled by upstream's HorizontalPodAutoscaler on CPU (activator, webhook). */
export interface KnativeAutoscaledWorkload {
  /** @default 1 (upstream's) */
  readonly minReplicas?: number;
  /** @default - upstream's: 20 for the activator, 5 for the webhook */
  readonly maxReplicas?: number;
  /** @default - upstream's, see KNATIVE_SERVING_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** A workload with a fixed replica count (autoscaler, controller; leader election on Leases). */
export interface KnativeFixedWorkload {
  /** @default 1 */
  readonly replicas?: number;
  /** @default - upstream's, see KNATIVE_SERVING_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

export interface KnativeServingProps {
  /** Where the system runs (upstream: `knative-serving`). */
  readonly namespace: INamespace;
  /** Images to run instead of the pinned ones. @default KNATIVE_SERVING_IMAGES */
  readonly images?: Partial<Record<KnativeServingImage, ImageRef>>;
  /** @default - see KnativeServingSettings */
  readonly settings?: KnativeServingSettings;
  /** @default - 1 to 20 replicas, upstream's resources */
  readonly activator?: KnativeAutoscaledWorkload;
  /** @default - 1 to 5 replicas, upstream's resources */
  readonly webhook?: KnativeAutoscaledWorkload;
  /** @default - 1 replica, upstream's resources */
  readonly autoscaler?: KnativeFixedWorkload;
  /** @default - 1 replica, upstream's resources */
  readonly controller?: KnativeFixedWorkload;
  /** Create the twelve CRDs (in the CRD layer). @default true */
  readonly crds?: boolean;
  /**
   * `knative-serving-namespaced-admin/edit/view`, aggregated into Kubernetes' admin/edit/view
   * and, as Kubeflow 26.03.1 labels them, into `kubeflow-admin/edit/view`.
   * @default true
   */
  readonly aggregatedRoles?: boolean;
  /**
   * The cluster's Prometheus: each workload's metrics (port 9090, Prometheus format with
   * `metrics-protocol: prometheus`) are scraped through its sidecar's merged endpoint, since the
   * namespace is in the mesh. Needs `settings.metricsProtocol` `prometheus` (the default).
   * @default - not monitored, nothing rendered for it
   */
  readonly monitoring?: IMonitoring;
}

/** The `job` label of each workload's series in Prometheus (the scrape target's id). */
export const KNATIVE_SERVING_SCRAPE_JOBS = {
  activator: 'knative-activator',
  autoscaler: 'knative-autoscaler',
  controller: 'knative-controller',
  webhook: 'knative-webhook',
} as const satisfies Record<KnativeServingWorkload, string>;

const ACTIVATOR_MAX = 20;
const WEBHOOK_MAX = 5;

/**
 * Knative Serving 1.22.0 core as Kubeflow 26.03.1 installs it (`common/knative/knative-serving`),
 * without the ingress (net-istio is its own construct): the CRDs, the activator, autoscaler,
 * controller and webhook with their Services, ServiceAccounts, RBAC, HPAs and disruption
 * budgets, the three webhook configurations and the config ConfigMaps.
 *
 * The webhook keeps upstream's certificate mechanism: it writes its own serving certificate into
 * `webhook-certs` and fills in the rules and caBundle of its webhook configurations, which its
 * ServiceAccount may update by name only.
 * @see https://github.com/knative/serving/tree/knative-v1.22.0/config/core
 */
export class KnativeServing extends Construct {
  public readonly namespace: string;
  /** Images after the registry mirror, the queue-proxy included (it runs in user namespaces). */
  public readonly images: Readonly<Record<KnativeServingImage, string>>;
  /** The domain of route URLs (`config-domain`). */
  public readonly domain: string;
  /** The data of each config ConfigMap, by ConfigMap name. */
  public readonly config: Readonly<Record<string, Readonly<Record<string, string>>>>;
  public readonly crds?: KnativeServingCrds;
  public readonly deployments: Readonly<Record<KnativeServingWorkload, k8s.KubeDeployment>>;
  /** How each workload's series are labelled in Prometheus, when monitored. */
  public readonly scrapeJobs?: Readonly<Record<KnativeServingWorkload, ScrapeJob>>;
  private readonly monitored: boolean;

  public constructor(scope: Construct, id: string, props: KnativeServingProps) {
    super(scope, id);
    validate(props);
    const ns = props.namespace.name;
    this.namespace = ns;
    this.monitored = props.monitoring !== undefined;
    const settings = props.settings ?? {};
    this.domain = settings.domain ?? KNATIVE_SERVING_DEFAULTS.domain;

    const refs = { ...KNATIVE_SERVING_IMAGES, ...props.images };
    this.images = {
      activator: resolveImage(this, refs.activator),
      autoscaler: resolveImage(this, refs.autoscaler),
      controller: resolveImage(this, refs.controller),
      webhook: resolveImage(this, refs.webhook),
      queueProxy: resolveImage(this, refs.queueProxy),
    };

    if (props.crds ?? true) {
      this.crds = new KnativeServingCrds(scopeInLayer(this, Layer.CRDS), 'KnativeServingCrds');
    }

    const meta = (name: string, part: KnativeServingPart, extra: Record<string, string> = {}) => ({
      name,
      namespace: ns,
      labels: { ...KNATIVE_SERVING_LABELS.labels(part), ...extra },
    });

    // Config ConfigMaps: upstream's `app.kubernetes.io/component` per map, matched by the config
    // webhook (`config/core/configmaps/*.yaml`).
    const data = knativeConfigData(settings, this.images.queueProxy);
    const C = N.configMaps;
    const maps: [string, KnativeServingPart, Record<string, string>, Record<string, string>?][] = [
      [C.autoscaler, 'autoscaler', data.autoscaler],
      [
        C.certmanager,
        'controller',
        {},
        { 'networking.knative.dev/certificate-provider': 'cert-manager' },
      ],
      [C.defaults, 'controller', data.defaults],
      [C.deployment, 'controller', data.deployment],
      [C.domain, 'controller', data.domain],
      [C.features, 'controller', data.features],
      [C.gc, 'controller', {}],
      [C.leaderElection, 'controller', {}],
      [C.logging, 'logging', data.logging],
      [C.network, 'networking', data.network],
      [C.observability, 'observability', data.observability],
      [C.tracing, 'tracing', {}],
    ];
    const config: Record<string, Record<string, string>> = {};
    for (const [name, part, d, extra] of maps) {
      config[name] = d;
      new k8s.KubeConfigMap(this, `Config-${name}`, {
        metadata: meta(name, part, extra),
        ...(Object.keys(d).length > 0 ? { data: { ...d } } : {}),
      });
    }
    this.config = config;

    this.rbac(ns, props.aggregatedRoles ?? true);

    const res = KNATIVE_SERVING_DEFAULT_RESOURCES;
    const activator = props.activator ?? {};
    const webhook = props.webhook ?? {};
    this.deployments = {
      activator: this.workload('activator', ACTIVATOR_FACTS, {
        serviceAccount: N.activatorServiceAccount,
        resources: activator.resources ?? res.activator,
      }),
      autoscaler: this.workload('autoscaler', AUTOSCALER_FACTS, {
        serviceAccount: N.controllerServiceAccount,
        resources: props.autoscaler?.resources ?? res.autoscaler,
        replicas: props.autoscaler?.replicas ?? 1,
        // Upstream: never fewer than the desired count while rolling (the autoscaler is a singleton
        // per bucket).
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
      }),
      controller: this.workload('controller', CONTROLLER_FACTS, {
        serviceAccount: N.controllerServiceAccount,
        resources: props.controller?.resources ?? res.controller,
        replicas: props.controller?.replicas ?? 1,
      }),
      webhook: this.workload('webhook', WEBHOOK_FACTS, {
        serviceAccount: N.controllerServiceAccount,
        resources: webhook.resources ?? res.webhook,
      }),
    };
    if (props.monitoring) {
      this.scrapeJobs = this.monitor(props.monitoring, props.namespace);
    }
    this.autoscale('activator', activator, ACTIVATOR_MAX);
    this.autoscale('webhook', webhook, WEBHOOK_MAX);

    this.service('activator', N.activator.service, [
      svcPort('http-metrics', SP.activator.metrics, 9090),
      svcPort('http-profiling', SP.activator.profiling, 8008),
      svcPort('http', SP.activator.http, 8012),
      svcPort('http2', SP.activator.http2, 8013),
      // Upstream's Service also maps 443 to 8112, where the activator listens only with
      // system-internal-tls, which the platform leaves off (the mesh encrypts instead); a port
      // to nothing is left out.
    ]);
    this.service('autoscaler', N.autoscaler.service, [
      svcPort('http-metrics', SP.autoscaler.metrics, 9090),
      svcPort('http-profiling', SP.autoscaler.profiling, 8008),
      svcPort('http', SP.autoscaler.http, 8080),
    ]);
    this.service('controller', N.controller.service, [
      svcPort('http-metrics', SP.controller.metrics, 9090),
      svcPort('http-profiling', SP.controller.profiling, 8008),
    ]);
    this.service('webhook', N.webhook.service, [
      svcPort('http-metrics', SP.webhook.metrics, 9090),
      svcPort('http-profiling', SP.webhook.profiling, 8008),
      svcPort('https-webhook', SP.webhook.https, 8443),
    ]);

    // Filled by the webhook with its self-signed serving certificate (knative.dev/pkg
    // `webhook/certificates`); created empty so that it carries our labels.
    new k8s.KubeSecret(this, 'WebhookCerts', { metadata: meta(N.webhook.certSecret, 'webhook') });
    this.webhookConfigurations(ns);
    this.platformResources(ns);
    this.networkAllows(props.namespace);
  }

  /**
   * The traffic inside the system that the namespace's default-deny policy would stop. The
   * gateways' traffic to the activator is net-istio's to allow; scrapers and tenant namespaces
   * are the platform's.
   */
  private networkAllows(namespace: INamespace): void {
    namespace.allowIngress('knative-serving-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the Knative Serving webhook. The API ' +
        'server is not a pod and its source address depends on the cluster, so any source may ' +
        'reach this one port',
      podLabels: { ...KNATIVE_SERVING_POD_LABELS.webhook },
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: KNATIVE_SERVING_PORTS.webhook.https }],
    });
    namespace.allowIngress('knative-serving-activator-to-autoscaler', {
      description:
        'The activator streams request statistics to the autoscaler over a websocket, which ' +
        'scales revisions up from zero with them',
      podLabels: { ...KNATIVE_SERVING_POD_LABELS.autoscaler },
      from: [NetworkPeer.sameNamespace({ ...KNATIVE_SERVING_POD_LABELS.activator })],
      ports: [{ port: KNATIVE_SERVING_PORTS.autoscaler.websocket }],
    });
  }

  private rbac(ns: string, aggregatedRoles: boolean): void {
    const labels = KNATIVE_SERVING_LABELS.labels('rbac');
    const controllerLabel = { [KNATIVE_SERVING_CONTROLLER_AGGREGATION_LABEL]: 'true' };
    const R = N.clusterRoles;
    const B = N.clusterRoleBindings;
    const clusterRole = (name: string, rules: readonly k8s.PolicyRule[], extra = {}) =>
      new k8s.KubeClusterRole(this, `ClusterRole-${name}`, {
        metadata: { name, labels: { ...labels, ...extra } },
        rules: rules.map((r) => ({ ...r })),
      });
    const bind = (name: string, role: string, sa: string) =>
      new k8s.KubeClusterRoleBinding(this, `ClusterRoleBinding-${name}`, {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
      });

    for (const [sa, part] of [
      [N.controllerServiceAccount, 'controller'],
      [N.activatorServiceAccount, 'activator'],
    ] as const) {
      new k8s.KubeServiceAccount(this, `ServiceAccount-${sa}`, {
        metadata: { name: sa, namespace: ns, labels: KNATIVE_SERVING_LABELS.labels(part) },
      });
    }

    new k8s.KubeClusterRole(this, `ClusterRole-${R.admin}`, {
      metadata: { name: R.admin, labels },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: controllerLabel }] },
    });
    Suppressions.add(
      clusterRole(R.core, KNATIVE_SERVING_CORE_RULES, controllerLabel),
      'platform/rbac-wildcards',
      "Upstream's scale rule (knative/serving 1.22.0 config/core/200-roles/clusterrole.yaml): a PodAutoscaler may target the scale subresource of any kind, so the autoscaler patches `*/scale` of every group; the wildcard grants patch on scale subresources only.",
    );
    bind(B.controllerAdmin, R.admin, N.controllerServiceAccount);

    new k8s.KubeClusterRole(this, `ClusterRole-${R.aggregatedAddressableResolver}`, {
      metadata: { name: R.aggregatedAddressableResolver, labels },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'duck.knative.dev/addressable': 'true' } }],
      },
    });
    clusterRole(R.addressableResolver, ADDRESSABLE_RESOLVER_RULES, {
      'duck.knative.dev/addressable': 'true',
    });
    bind(
      B.controllerAddressableResolver,
      R.aggregatedAddressableResolver,
      N.controllerServiceAccount,
    );
    clusterRole(R.podspecableBinding, PODSPECABLE_BINDING_RULES, {
      'duck.knative.dev/podspecable': 'true',
    });

    // The activator: upstream labels these `serving.knative.dev/controller` too, which also
    // aggregates them into the controller's role (they are subsets of the core rules).
    clusterRole(R.activatorCluster, ACTIVATOR_CLUSTER_RULES, controllerLabel);
    bind(B.activatorCluster, R.activatorCluster, N.activatorServiceAccount);
    new k8s.KubeRole(this, 'Role-activator', {
      metadata: { name: N.activatorRole, namespace: ns, labels: { ...labels, ...controllerLabel } },
      rules: ACTIVATOR_NAMESPACE_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding-activator', {
      metadata: { name: N.activatorRole, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.activatorRole },
      subjects: [{ kind: 'ServiceAccount', name: N.activatorServiceAccount, namespace: ns }],
    });

    if (aggregatedRoles) {
      for (const role of KNATIVE_AGGREGATED_ROLES) {
        clusterRole(role.name, role.rules, {
          [`rbac.authorization.k8s.io/aggregate-to-${role.aggregateTo}`]: 'true',
          [`rbac.authorization.kubeflow.org/aggregate-to-kubeflow-${role.aggregateTo}`]: 'true',
        });
      }
    }
  }

  private workload(
    part: KnativeServingWorkload,
    facts: WorkloadFacts,
    opts: {
      serviceAccount: string;
      resources: ResourceSpec;
      replicas?: number;
      strategy?: k8s.DeploymentStrategy;
    },
  ): k8s.KubeDeployment {
    const selector = KNATIVE_SERVING_POD_LABELS[part];
    return new k8s.KubeDeployment(this, `Deployment-${part}`, {
      metadata: {
        name: N[part].deployment,
        namespace: this.namespace,
        labels: KNATIVE_SERVING_LABELS.labels(part),
      },
      spec: {
        // The HPA owns the count of the activator and webhook: no replicas to fight it.
        ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
        selector: { matchLabels: { ...selector } },
        ...(opts.strategy ? { strategy: opts.strategy } : {}),
        template: {
          metadata: {
            labels: { ...KNATIVE_SERVING_LABELS.labels(part), ...selector },
            // Monitoring writes the `prometheus.io/*` annotations the sidecar injector reads.
            ...(this.monitored ? { annotations: {} } : {}),
          },
          spec: {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: { matchLabels: { app: selector.app } },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  },
                ],
              },
            },
            serviceAccountName: opts.serviceAccount,
            securityContext: restrictedPodSecurityContext({
              runAsUser: KNATIVE_SERVING_UID,
              runAsGroup: KNATIVE_SERVING_UID,
              fsGroup: KNATIVE_SERVING_UID,
            }),
            ...(facts.terminationGracePeriodSeconds !== undefined
              ? { terminationGracePeriodSeconds: facts.terminationGracePeriodSeconds }
              : {}),
            containers: [
              {
                name: part,
                image: this.images[part],
                resources: toResourceRequirements(opts.resources),
                env: facts.env,
                ports: facts.ports,
                readinessProbe: facts.readinessProbe,
                livenessProbe: facts.livenessProbe,
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
  }

  /**
   * Every workload serves its metrics on 9090 (container port `metrics`); the pods carry the
   * mesh's sidecar, so Prometheus reads them merged into the sidecar's endpoint.
   */
  private monitor(
    monitoring: IMonitoring,
    namespace: INamespace,
  ): Record<KnativeServingWorkload, ScrapeJob> {
    const what: Record<KnativeServingWorkload, string> = {
      activator: 'Knative activator: requests it buffers and proxies to revisions',
      autoscaler: 'Knative autoscaler: desired and actual pods of each revision',
      controller: 'Knative Serving controller: reconciles and client metrics',
      webhook: 'Knative Serving webhook: admission requests',
    };
    const jobs = {} as Record<KnativeServingWorkload, ScrapeJob>;
    for (const part of Object.keys(what) as KnativeServingWorkload[]) {
      jobs[part] = monitoring.scrape(this, {
        id: KNATIVE_SERVING_SCRAPE_JOBS[part],
        namespace,
        podLabels: { ...KNATIVE_SERVING_POD_LABELS[part] },
        port: { name: 'metrics', number: KNATIVE_SERVING_PORTS[part].metrics },
        meshed: { workload: this.deployments[part] },
        description: what[part],
      });
    }
    return jobs;
  }

  /** Upstream's HPA on CPU and, with more than one replica at least, its 80% disruption budget. */
  private autoscale(
    part: 'activator' | 'webhook',
    w: KnativeAutoscaledWorkload,
    defaultMax: number,
  ): void {
    const labels = KNATIVE_SERVING_LABELS.labels(part);
    const name = N[part].deployment;
    new k8s.KubeHorizontalPodAutoscalerV2(this, `Hpa-${part}`, {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        minReplicas: w.minReplicas ?? 1,
        maxReplicas: w.maxReplicas ?? defaultMax,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 100 } },
          },
        ],
      },
    });
    // Upstream's 80% rounds up to every pod of a single replica and blocks node drains; Kubeflow
    // patches it to 0. A budget is only written when at least two pods always run.
    if ((w.minReplicas ?? 1) > 1) {
      new k8s.KubePodDisruptionBudget(this, `Pdb-${part}`, {
        metadata: { name: `${name}-pdb`, namespace: this.namespace, labels },
        spec: {
          minAvailable: k8s.IntOrString.fromString('80%'),
          selector: { matchLabels: { app: KNATIVE_SERVING_POD_LABELS[part].app } },
        },
      });
    }
  }

  private service(part: KnativeServingWorkload, name: string, ports: k8s.ServicePort[]): void {
    new k8s.KubeService(this, `Service-${part}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: { ...KNATIVE_SERVING_LABELS.labels(part), ...KNATIVE_SERVING_POD_LABELS[part] },
      },
      spec: { type: 'ClusterIP', selector: { ...KNATIVE_SERVING_POD_LABELS[part] }, ports },
    });
  }

  /**
   * `config/core/webhooks/*.yaml`: failure policy Fail, 10 s, no side effects; the webhook keeps
   * the rules and caBundle up to date itself.
   */
  private webhookConfigurations(ns: string): void {
    const labels = KNATIVE_SERVING_LABELS.labels('webhook');
    const W = N.webhook;
    const base = (name: string) => ({
      name,
      admissionReviewVersions: ['v1', 'v1beta1'],
      clientConfig: { service: { name: W.service, namespace: ns } },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      timeoutSeconds: 10,
    });
    const rules = (operations: string[]): k8s.RuleWithOperations[] => [
      {
        apiGroups: [
          'autoscaling.internal.knative.dev',
          'networking.internal.knative.dev',
          'serving.knative.dev',
        ],
        apiVersions: ['*'],
        operations,
        scope: '*',
        resources: [
          'metrics',
          'podautoscalers',
          'certificates',
          'ingresses',
          'serverlessservices',
          'configurations',
          'revisions',
          'routes',
          'services',
          'domainmappings',
          'domainmappings/status',
        ],
      },
    ];
    new k8s.KubeMutatingWebhookConfiguration(this, 'MutatingWebhook', {
      metadata: { name: W.defaulting, labels },
      webhooks: [{ ...base(W.defaulting), rules: rules(['CREATE', 'UPDATE']) }],
    });
    new k8s.KubeValidatingWebhookConfiguration(this, 'ValidatingWebhook', {
      metadata: { name: W.validation, labels },
      webhooks: [{ ...base(W.validation), rules: rules(['CREATE', 'UPDATE', 'DELETE']) }],
    });
    new k8s.KubeValidatingWebhookConfiguration(this, 'ConfigValidatingWebhook', {
      metadata: { name: W.configValidation, labels },
      webhooks: [
        {
          ...base(W.configValidation),
          objectSelector: {
            matchExpressions: [
              { key: 'app.kubernetes.io/name', operator: 'In', values: ['knative-serving'] },
              {
                key: 'app.kubernetes.io/component',
                operator: 'In',
                values: [
                  'autoscaler',
                  'controller',
                  'logging',
                  'networking',
                  'observability',
                  'tracing',
                  'net-certmanager',
                ],
              },
            ],
          },
        },
      ],
    });
  }

  /**
   * Custom resources the webhook admits, so in the layer after it: the queue-proxy caching Image
   * (`config/core/999-cache.yaml`) and the system-internal TLS Certificate
   * (`config/core/300-knativecertificate.yaml`), reconciled only with `system-internal-tls`.
   */
  private platformResources(ns: string): void {
    const scope = scopeInLayer(this, Layer.PLATFORM_RESOURCES);
    new ApiObject(scope, 'QueueProxyImage', {
      apiVersion: 'caching.internal.knative.dev/v1alpha1',
      kind: 'Image',
      metadata: {
        name: N.queueProxyImage,
        namespace: ns,
        labels: KNATIVE_SERVING_LABELS.labels('queue-proxy'),
      },
      spec: { image: this.images.queueProxy },
    });
    new ApiObject(scope, 'RoutingServingCerts', {
      apiVersion: 'networking.internal.knative.dev/v1alpha1',
      kind: 'Certificate',
      metadata: {
        name: N.routingCertificate,
        namespace: ns,
        labels: {
          ...KNATIVE_SERVING_LABELS.labels('networking'),
          'networking.knative.dev/certificate-type': 'system-internal',
        },
        annotations: {
          'networking.knative.dev/certificate.class':
            'cert-manager.certificate.networking.knative.dev',
        },
      },
      spec: {
        dnsNames: ['kn-routing', 'data-plane.knative.dev'],
        secretName: N.routingCertificate,
      },
    });
  }
}

/** The four system workloads. */
export type KnativeServingWorkload = 'activator' | 'autoscaler' | 'controller' | 'webhook';

function svcPort(name: string, port: number, targetPort: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromNumber(targetPort), protocol: 'TCP' };
}

function validate(props: KnativeServingProps): void {
  const problems: string[] = [];
  const count = (path: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) {
      problems.push(
        propProblem(
          path,
          `is not a whole number of at least ${min}`,
          String(v),
          `Use ${min} or more.`,
        ),
      );
    }
  };
  for (const [key, max] of [
    ['activator', ACTIVATOR_MAX],
    ['webhook', WEBHOOK_MAX],
  ] as const) {
    const w = props[key];
    count(`${key}.minReplicas`, w?.minReplicas, 1);
    count(`${key}.maxReplicas`, w?.maxReplicas, 1);
    const min = w?.minReplicas ?? 1;
    const top = w?.maxReplicas ?? max;
    if (min > top) {
      problems.push(
        propProblem(
          `${key}.maxReplicas`,
          'is below minReplicas',
          `${top} < ${min}`,
          'Raise maxReplicas or lower minReplicas.',
        ),
      );
    }
  }
  count('autoscaler.replicas', props.autoscaler?.replicas, 1);
  count('controller.replicas', props.controller?.replicas, 1);
  const s = props.settings ?? {};
  if (s.domain !== undefined && !DNS_SUBDOMAIN.test(s.domain)) {
    problems.push(
      propProblem(
        'settings.domain',
        'is not a DNS domain',
        `"${s.domain}"`,
        'Use lower-case labels separated by dots, such as models.example.com.',
      ),
    );
  }
  if (props.monitoring && s.metricsProtocol === 'none') {
    problems.push(
      propProblem(
        'settings.metricsProtocol',
        'is none, so the workloads serve no metrics for the monitoring to scrape',
        '"none"',
        "Use 'prometheus', or leave monitoring out.",
      ),
    );
  }
  const a = s.autoscaler ?? {};
  count(
    'settings.autoscaler.containerConcurrencyTargetDefault',
    a.containerConcurrencyTargetDefault,
    1,
  );
  count('settings.autoscaler.initialScale', a.initialScale, 0);
  count('settings.autoscaler.maxScaleLimit', a.maxScaleLimit, 0);
  const pct = a.targetUtilizationPercentage;
  if (pct !== undefined && !(pct >= 1 && pct <= 100)) {
    problems.push(
      propProblem(
        'settings.autoscaler.targetUtilizationPercentage',
        'is not a percentage from 1 to 100',
        String(pct),
        'Use a value such as 70.',
      ),
    );
  }
  const ms = a.stableWindow?.toMilliseconds();
  const win = ms === undefined ? undefined : ms / 1000;
  if (win !== undefined && (win < 6 || win > 3600 || !Number.isInteger(win))) {
    problems.push(
      propProblem(
        'settings.autoscaler.stableWindow',
        'is not a whole number of seconds from 6s to 1h',
        `${win}s`,
        'Use a duration such as Duration.seconds(60).',
      ),
    );
  }
  if (a.initialScale === 0 && a.allowZeroInitialScale !== true) {
    problems.push(
      propProblem(
        'settings.autoscaler.initialScale',
        'is 0 but allowZeroInitialScale is not true, which Knative rejects',
        '0',
        'Set allowZeroInitialScale: true or use 1 or more.',
      ),
    );
  }
  throwIfProblems('KnativeServing', problems);
}
