import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { IGateway } from '../core/mesh';
import { HOLD_UNTIL_PROXY_STARTS, ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { ILocalGateway } from './net-istio-local-gateway';
import {
  ACTIVATOR_POD_LABELS,
  KNATIVE_DATA_PLANE_PORTS,
  NET_ISTIO_COMMON_LABELS,
  NET_ISTIO_NAMES,
  NET_ISTIO_POD_LABELS,
  NET_ISTIO_PORTS,
  SERVING_WEBHOOK_POD_LABELS,
} from './net-istio-names';
import { NET_ISTIO_IMAGES, NET_ISTIO_VERSION } from './net-istio-versions';

/** The controller's requests and limits, upstream's (`config/500-controller.yaml`). */
export const NET_ISTIO_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '30m', limit: '300m' },
  memory: { request: '40Mi', limit: '400Mi' },
};

/** The webhook's requests and limits, upstream's (`config/500-webhook-deployment.yaml`). */
export const NET_ISTIO_WEBHOOK_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '20m', limit: '200m' },
  memory: { request: '20Mi', limit: '200Mi' },
};

/**
 * What net-istio may do with Istio's config (`config/200-clusterrole.yaml`): it owns the
 * VirtualServices and DestinationRules of every Knative Ingress, in the Ingress's namespace, so
 * the rule is cluster-wide; it reads Gateways (and writes none in practice, but upstream grants
 * the same verbs on all three and Knative's admin role aggregates them as one).
 */
export const NET_ISTIO_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices', 'gateways', 'destinationrules'],
    verbs: ['get', 'list', 'create', 'update', 'delete', 'patch', 'watch'],
  },
];

/** The label that aggregates a ClusterRole into Knative Serving's `knative-serving-admin`. */
export const KNATIVE_CONTROLLER_AGGREGATION_LABEL = {
  'serving.knative.dev/controller': 'true',
} as const;

/** Paths the webhook serves (`cmd/webhook/main.go`). */
export const NET_ISTIO_WEBHOOK_PATHS = {
  defaulting: '/defaulting',
  configValidation: '/config-validation',
} as const;

/** One entry of `external-gateways` / `local-gateways` in `config-istio`. */
interface GatewayEntry {
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
}

export interface NetIstioImages {
  /** @default NET_ISTIO_IMAGES.controller */
  readonly controller?: ImageRef;
  /** @default NET_ISTIO_IMAGES.webhook */
  readonly webhook?: ImageRef;
}

export interface NetIstioResources {
  /** @default NET_ISTIO_CONTROLLER_DEFAULT_RESOURCES */
  readonly controller?: ResourceSpec;
  /** @default NET_ISTIO_WEBHOOK_DEFAULT_RESOURCES */
  readonly webhook?: ResourceSpec;
}

export interface NetIstioProps {
  /** Knative Serving's namespace (`knative-serving`): net-istio shares it and its ConfigMaps. */
  readonly namespace: INamespace;
  /** The platform's ingress gateway: public Knative Ingresses bind to its Gateway. */
  readonly gateway: IGateway;
  /** The gateway cluster-local Ingresses bind to (a `KnativeLocalGateway`). */
  readonly localGateway: ILocalGateway;
  /**
   * Name of the ingress gateway's Service in `gateway.namespace`, which net-istio writes into
   * `external-gateways` (`IGateway` does not carry it).
   * @default 'istio-ingressgateway'
   */
  readonly gatewayServiceName?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * The ServiceAccount both Deployments run as: Knative Serving core's, bound to
   * `knative-serving-admin`, into which this component's ClusterRole is aggregated.
   * @default 'controller'
   */
  readonly serviceAccountName?: string;
  /**
   * Also create upstream's PeerAuthentication `webhook` for Knative Serving core's webhook
   * (port 8443 PERMISSIVE): net-istio ships it, since serving core knows no mesh.
   * @default true
   */
  readonly servingWebhookPeerAuthentication?: boolean;
  /** @default NET_ISTIO_IMAGES */
  readonly images?: NetIstioImages;
  /** @default upstream's requests and limits */
  readonly resources?: NetIstioResources;
  /**
   * The cluster's Prometheus: the controller (outside the mesh) is scraped on its metrics port,
   * the webhook (in the mesh) through its sidecar's merged endpoint. Both serve Prometheus metrics
   * when Knative's `config-observability` says `metrics-protocol: prometheus`.
   * @default - not monitored, nothing rendered for it
   */
  readonly monitoring?: IMonitoring;
}

/** The `job` label of the two workloads' series in Prometheus. */
export const NET_ISTIO_SCRAPE_JOBS = {
  controller: 'net-istio-controller',
  webhook: 'net-istio-webhook',
} as const;

/**
 * net-istio 1.22.0, Knative Serving's Istio networking layer (knative-extensions/net-istio
 * `config/` at `knative-v1.22.0`): the controller that turns Knative Ingresses into Istio
 * VirtualServices, the webhook that defaults revision Deployments and validates `config-istio`
 * (it writes its own serving certificate into `net-istio-webhook-certs` and patches its webhook
 * configurations, as every Knative webhook), the ClusterRole aggregated into Knative's admin
 * role, `config-istio` naming the platform gateway and the cluster-local gateway, and the mesh
 * and network allows these need on a STRICT mesh with default-deny NetworkPolicies.
 *
 * Not created: upstream's `knative-ingress-gateway` Gateway (Kubeflow removes it too; public
 * Ingresses bind to the platform's Gateway).
 * @see https://github.com/knative-extensions/net-istio/tree/knative-v1.22.0/config
 */
export class NetIstio extends Construct {
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly externalGateways: readonly GatewayEntry[];
  public readonly localGateways: readonly GatewayEntry[];
  public readonly controller: k8s.KubeDeployment;
  public readonly webhook: k8s.KubeDeployment;
  /** How the two workloads' series are labelled in Prometheus, when monitored. */
  public readonly scrapeJobs?: Readonly<Record<'controller' | 'webhook', ScrapeJob>>;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly clusterRole: k8s.KubeClusterRole;
  /** `net-istio-webhook.<namespace>.svc`. */
  public readonly webhookServiceHost: string;

  public constructor(scope: Construct, id: string, props: NetIstioProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = NET_ISTIO_NAMES;
    const P = NET_ISTIO_PORTS;
    const domain = props.clusterDomain ?? 'cluster.local';
    this.namespace = ns;
    this.serviceAccountName = props.serviceAccountName ?? N.serviceAccount;
    this.webhookServiceHost = `${N.webhook.service}.${ns}.svc`;
    const gatewayService = props.gatewayServiceName ?? 'istio-ingressgateway';
    this.externalGateways = [
      {
        ...splitRef(props.gateway.gatewayRef),
        service: `${gatewayService}.${props.gateway.namespace}.svc.${domain}`,
      },
    ];
    this.localGateways = [
      { ...splitRef(props.localGateway.gatewayRef), service: props.localGateway.serviceHost },
    ];
    throwIfProblems('NetIstio', [
      ...refProblems('gateway.gatewayRef', props.gateway.gatewayRef),
      ...refProblems('localGateway.gatewayRef', props.localGateway.gatewayRef),
    ]);

    const labels = {
      ...standardLabels({
        name: 'knative-serving',
        component: 'net-istio',
        version: NET_ISTIO_VERSION,
      }),
      ...NET_ISTIO_COMMON_LABELS,
    };
    const resources = props.resources ?? {};

    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: {
        name: N.clusterRole,
        labels: { ...labels, ...KNATIVE_CONTROLLER_AGGREGATION_LABEL },
      },
      rules: [...NET_ISTIO_RULES],
    });

    // New format only: net-istio refuses a ConfigMap that mixes it with `gateway.<ns>.<name>` keys.
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigIstio', {
      metadata: { name: N.configMap, namespace: ns, labels },
      data: {
        'external-gateways': gatewayYaml(this.externalGateways),
        'local-gateways': gatewayYaml(this.localGateways),
      },
    });

    const commonEnv: k8s.EnvVar[] = [
      { name: 'SYSTEM_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'CONFIG_LOGGING_NAME', value: N.loggingConfigMap },
      { name: 'CONFIG_OBSERVABILITY_NAME', value: N.observabilityConfigMap },
    ];
    const podSecurity = restrictedPodSecurityContext({
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
    });

    this.controller = new k8s.KubeDeployment(this, 'Controller', {
      metadata: { name: N.controller.deployment, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...NET_ISTIO_POD_LABELS.controller } },
        template: {
          metadata: {
            labels: {
              ...labels,
              ...NET_ISTIO_POD_LABELS.controller,
              // Upstream's: the controller probes gateway pods directly, outside the mesh. It
              // calls nothing else but the API server.
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: this.serviceAccountName,
            enableServiceLinks: false,
            securityContext: podSecurity,
            containers: [
              {
                name: N.controller.container,
                image: resolveImage(this, props.images?.controller ?? NET_ISTIO_IMAGES.controller),
                env: [
                  ...commonEnv,
                  { name: 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID', value: 'false' },
                  { name: 'METRICS_DOMAIN', value: 'knative.dev/net-istio' },
                ],
                ports: [
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'profiling', containerPort: P.profiling, protocol: 'TCP' },
                  { name: 'probes', containerPort: P.controllerProbes, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: {
                    path: '/readiness',
                    port: k8s.IntOrString.fromString('probes'),
                    scheme: 'HTTP',
                  },
                  periodSeconds: 5,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: {
                    path: '/health',
                    port: k8s.IntOrString.fromString('probes'),
                    scheme: 'HTTP',
                  },
                  periodSeconds: 5,
                  failureThreshold: 6,
                },
                resources: toResourceRequirements(
                  resources.controller ?? NET_ISTIO_CONTROLLER_DEFAULT_RESOURCES,
                ),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });

    this.webhook = new k8s.KubeDeployment(this, 'Webhook', {
      metadata: { name: N.webhook.deployment, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...NET_ISTIO_POD_LABELS.webhook } },
        template: {
          metadata: {
            labels: { ...labels, ...NET_ISTIO_POD_LABELS.webhook },
            // It reads its Secret and patches its webhook configurations as it starts.
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: this.serviceAccountName,
            enableServiceLinks: false,
            securityContext: podSecurity,
            containers: [
              {
                name: N.webhook.container,
                image: resolveImage(this, props.images?.webhook ?? NET_ISTIO_IMAGES.webhook),
                env: [
                  ...commonEnv,
                  { name: 'METRICS_DOMAIN', value: 'knative.dev/net-istio' },
                  { name: 'WEBHOOK_NAME', value: N.webhook.name },
                  { name: 'WEBHOOK_PORT', value: String(P.webhook) },
                ],
                ports: [
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'profiling', containerPort: P.profiling, protocol: 'TCP' },
                  { name: 'https-webhook', containerPort: P.webhook, protocol: 'TCP' },
                ],
                readinessProbe: {
                  httpGet: { port: k8s.IntOrString.fromNumber(P.webhook), scheme: 'HTTPS' },
                  periodSeconds: 1,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { port: k8s.IntOrString.fromNumber(P.webhook), scheme: 'HTTPS' },
                  periodSeconds: 10,
                  failureThreshold: 6,
                  initialDelaySeconds: 20,
                },
                resources: toResourceRequirements(
                  resources.webhook ?? NET_ISTIO_WEBHOOK_DEFAULT_RESOURCES,
                ),
                // Upstream leaves the root filesystem writable; the webhook keeps its certificate
                // in memory and in its Secret, and writes no file.
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });

    if (props.monitoring) {
      const metricsPort = { name: 'metrics', number: P.metrics };
      this.scrapeJobs = {
        controller: props.monitoring.scrape(this, {
          id: NET_ISTIO_SCRAPE_JOBS.controller,
          namespace: props.namespace,
          podLabels: { ...NET_ISTIO_POD_LABELS.controller },
          port: metricsPort,
          description: 'net-istio controller: reconciles of Knative Ingresses into Istio routes',
        }),
        webhook: props.monitoring.scrape(this, {
          id: NET_ISTIO_SCRAPE_JOBS.webhook,
          namespace: props.namespace,
          podLabels: { ...NET_ISTIO_POD_LABELS.webhook },
          port: metricsPort,
          meshed: { workload: this.webhook },
          description: 'net-istio webhook: admission requests',
        }),
      };
    }

    // The webhook fills this Secret with its key and certificate; it must exist beforehand.
    new k8s.KubeSecret(this, 'WebhookCerts', {
      metadata: { name: N.webhook.certificateSecret, namespace: ns, labels },
    });

    new k8s.KubeService(this, 'WebhookService', {
      metadata: {
        name: N.webhook.service,
        namespace: ns,
        labels: { ...labels, role: 'net-istio-webhook' },
      },
      spec: {
        type: 'ClusterIP',
        selector: { app: NET_ISTIO_POD_LABELS.webhook.app },
        ports: [
          {
            name: 'http-metrics',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromString('metrics'),
            protocol: 'TCP',
          },
          {
            name: 'http-profiling',
            port: P.profiling,
            targetPort: k8s.IntOrString.fromString('profiling'),
            protocol: 'TCP',
          },
          {
            name: 'https-webhook',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromString('https-webhook'),
            protocol: 'TCP',
          },
        ],
      },
    });

    // The webhook reconciles rules and caBundle of both configurations itself; they start
    // without rules, as upstream ships them.
    const clientConfig = (path: string): k8s.WebhookClientConfig => ({
      service: { name: N.webhook.service, namespace: ns, path, port: P.webhookService },
    });
    new k8s.KubeMutatingWebhookConfiguration(this, 'DefaultingWebhook', {
      metadata: { name: N.webhook.defaulting, labels },
      webhooks: [
        {
          name: N.webhook.defaulting,
          admissionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: clientConfig(NET_ISTIO_WEBHOOK_PATHS.defaulting),
          failurePolicy: 'Fail',
          sideEffects: 'None',
          // Only Deployments of Knative revisions.
          objectSelector: {
            matchExpressions: [{ key: 'serving.knative.dev/configuration', operator: 'Exists' }],
          },
        },
      ],
    });
    new k8s.KubeValidatingWebhookConfiguration(this, 'ConfigValidationWebhook', {
      metadata: { name: N.webhook.configValidation, labels },
      webhooks: [
        {
          name: N.webhook.configValidation,
          admissionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: clientConfig(NET_ISTIO_WEBHOOK_PATHS.configValidation),
          failurePolicy: 'Fail',
          sideEffects: 'None',
          objectSelector: {
            matchLabels: {
              'app.kubernetes.io/name': 'knative-serving',
              'app.kubernetes.io/component': 'net-istio',
            },
          },
        },
      ],
    });

    this.meshPolicies(ns, props.servingWebhookPeerAuthentication ?? true);
    this.networkAllows(props);
  }

  /**
   * The API server calls webhooks without a mesh identity: their TLS port takes plain text from
   * the mesh's point of view (upstream's port-level PERMISSIVE), and an ALLOW policy opens that
   * one port to any source, as Kubeflow's `istio-webhook` policy (which opens every port).
   */
  private meshPolicies(ns: string, servingWebhook: boolean): void {
    const N = NET_ISTIO_NAMES;
    const port = String(NET_ISTIO_PORTS.webhook);
    const labels = {
      ...standardLabels({
        name: 'knative-serving',
        component: 'net-istio',
        version: NET_ISTIO_VERSION,
      }),
      ...NET_ISTIO_COMMON_LABELS,
    };
    const peerAuthentication = (id: string, name: string, selector: Record<string, string>) =>
      new ApiObject(this, id, {
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: 'PeerAuthentication',
        metadata: { name, namespace: ns, labels },
        spec: {
          selector: { matchLabels: { ...selector } },
          portLevelMtls: { [port]: { mode: 'PERMISSIVE' } },
        },
      });
    peerAuthentication('WebhookPeerAuthentication', N.webhookPeerAuthentication, {
      app: NET_ISTIO_POD_LABELS.webhook.app,
    });
    if (servingWebhook) {
      peerAuthentication(
        'ServingWebhookPeerAuthentication',
        N.servingWebhookPeerAuthentication,
        SERVING_WEBHOOK_POD_LABELS,
      );
    }
    new ApiObject(this, 'WebhookAuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: N.webhook.deployment, namespace: ns, labels },
      spec: {
        selector: { matchLabels: { app: NET_ISTIO_POD_LABELS.webhook.app } },
        action: 'ALLOW',
        rules: [{ to: [{ operation: { ports: [port] } }] }],
      },
    });
  }

  private networkAllows(props: NetIstioProps): void {
    props.namespace.allowIngress('net-istio-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the net-istio webhook. The API ' +
        'server is not a pod and its source address depends on the cluster, so any source may ' +
        'reach this one port',
      podLabels: { ...NET_ISTIO_POD_LABELS.webhook },
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: NET_ISTIO_PORTS.webhook }],
    });
    // A revision scaled to zero (or below its target burst capacity) is reached through the
    // activator: the gateways' VirtualServices route there.
    props.namespace.allowIngress('net-istio-gateways-to-activator', {
      description:
        'Requests from the ingress and cluster-local gateways to the Knative activator, which ' +
        'holds them while a revision scales from zero',
      podLabels: { app: ACTIVATOR_POD_LABELS.app },
      from: [props.gateway.peer, props.localGateway.peer],
      ports: [
        { port: KNATIVE_DATA_PLANE_PORTS.activatorHttp1 },
        { port: KNATIVE_DATA_PLANE_PORTS.activatorH2c },
      ],
    });
  }
}

function splitRef(ref: string): { name: string; namespace: string } {
  const [namespace = '', name = ''] = ref.split('/');
  return { namespace, name };
}

function refProblems(path: string, ref: string): string[] {
  const parts = ref.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return [];
  return [
    propProblem(
      path,
      'is not `<namespace>/<name>`',
      `"${ref}"`,
      'Name the Istio Gateway with its namespace.',
    ),
  ];
}

/** The YAML list net-istio parses (`parseNewFormatGateways`), one key per line, stable order. */
function gatewayYaml(entries: readonly GatewayEntry[]): string {
  return entries
    .map((g) => `- name: ${g.name}\n  namespace: ${g.namespace}\n  service: ${g.service}\n`)
    .join('');
}
