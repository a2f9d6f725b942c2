import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { IMesh } from '../core/mesh';
import {
  IMonitoring,
  ISTIO_ENVOY_PROM_PORT,
  ISTIO_MERGED_METRICS_PATH,
  ISTIO_MERGED_METRICS_PORT,
  ScrapeJob,
} from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  LOCAL_GATEWAY_POD_LABELS,
  NET_ISTIO_COMMON_LABELS,
  NET_ISTIO_NAMES,
  NET_ISTIO_PORTS,
} from './net-istio-names';
import { LOCAL_GATEWAY_PROXY_IMAGE, NET_ISTIO_VERSION } from './net-istio-versions';

/** Istio's networking API as the mesh of the release set (1.30) stores it. */
export const ISTIO_NETWORKING_API_VERSION = 'networking.istio.io/v1';

/** The user Istio's proxy image runs as (`istio-proxy`, 1337), as Kubeflow's gateway pod sets it. */
const PROXY_UID = 1337;
/** Envoy's readiness endpoint on gateway pods (`/healthz/ready`). */
const PROXY_HEALTH_PORT = 15021;

/**
 * Requests and limits of the local gateway's Envoy: Kubeflow 26.03.1's `cluster-local-gateway`
 * (`common/istio/cluster-local-gateway/base/cluster-local-gateway.yaml`).
 */
export const LOCAL_GATEWAY_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2000m' },
  memory: { request: '128Mi', limit: '1024Mi' },
};

/** Replica range of the local gateway's HorizontalPodAutoscaler. */
export interface LocalGatewayAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilizationPercent: number;
}

/** Kubeflow's HorizontalPodAutoscaler of `cluster-local-gateway`: 1 to 5 replicas at 80 % CPU. */
export const LOCAL_GATEWAY_DEFAULT_AUTOSCALING: LocalGatewayAutoscaling = {
  minReplicas: 1,
  maxReplicas: 5,
  targetCpuUtilizationPercent: 80,
};

/** The cluster-local gateway as net-istio's `config-istio` and KServe's ingress config see it. */
export interface ILocalGateway {
  /** `<namespace>/<name>` of the Istio Gateway (`knative-serving/knative-local-gateway`). */
  readonly gatewayRef: string;
  /** FQDN of the Service in front of the gateway pods, e.g. `knative-local-gateway.istio-system.svc.cluster.local`. */
  readonly serviceHost: string;
  /** Network peer matching the gateway pods, for allows in the namespaces it routes to. */
  readonly peer: NetworkPeer;
  /** The gateway pods' mTLS identity, for AuthorizationPolicies in the namespaces it routes to. */
  readonly principal: string;
}

export interface KnativeLocalGatewayProps {
  /**
   * Where the gateway pods and the `knative-local-gateway` Service run: the namespace KServe's
   * `ingress.localGatewayService` names (`istio-system` upstream). It must not carry injection
   * labels: the pods ask for Istio's `gateway` injection template themselves.
   */
  readonly namespace: INamespace;
  /** Namespace of Knative Serving, where the Istio Gateway `knative-local-gateway` goes. */
  readonly knativeNamespace: string;
  /** The mesh whose injector fills in the gateway pods (its revision decides the pod label). */
  readonly mesh: IMesh;
  /** @default 'cluster.local' */
  readonly trustDomain?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default LOCAL_GATEWAY_PROXY_IMAGE - Istio's proxyv2 1.30.1; pass the mesh's own */
  readonly image?: ImageRef;
  /** @default LOCAL_GATEWAY_DEFAULT_RESOURCES (Kubeflow's) */
  readonly resources?: ResourceSpec;
  /** @default LOCAL_GATEWAY_DEFAULT_AUTOSCALING (Kubeflow's: 1 to 5 replicas at 80 % CPU) */
  readonly autoscaling?: LocalGatewayAutoscaling;
  /**
   * Who may send requests to the gateway's port 8081, besides what `allowClients` adds later. The
   * platform's ingress gateway belongs here: KServe routes an InferenceService's external host to
   * this gateway.
   * @default [] - nobody until `allowClients` is called
   */
  readonly clients?: readonly NetworkPeer[];
  /**
   * The cluster's Prometheus: it reads Envoy's own statistics (container port `http-envoy-prom`
   * 15090 of Istio's gateway injection template, which the proxy serves in plain HTTP): requests,
   * responses and latency of every model call that passes the gateway.
   * @default - not monitored, nothing rendered for it
   */
  readonly monitoring?: IMonitoring;
}

/**
 * Envoy's statistics port (Istio 1.30.1
 * manifests/charts/istio-control/istio-discovery/files/gateway-injection-template.yaml).
 */
const ENVOY_PROM_PORT = {
  name: ISTIO_ENVOY_PROM_PORT.name,
  containerPort: ISTIO_ENVOY_PROM_PORT.number,
} as const;

/** The `job` label of the cluster-local gateway's series in Prometheus. */
export const LOCAL_GATEWAY_SCRAPE_JOB = 'knative-local-gateway';

/**
 * The cluster-local gateway that Knative Serving (net-istio) binds cluster-local Ingresses to and
 * that KServe routes InferenceServices through: the Istio Gateway `knative-local-gateway` in
 * Knative's namespace (HTTP on 8081, any host, `203-local-gateway.yaml` of net-istio
 * knative-v1.22.0) and the Service `knative-local-gateway` (port 80 to 8081, with Istio's gateway
 * port translation off, as upstream).
 *
 * Upstream net-istio selects the platform's ingress gateway pods. As Kubeflow 26.03.1 does
 * (`common/istio/cluster-local-gateway`, `common/knative/knative-serving/overlays/gateways`), this
 * runs its own gateway pods instead: the ingress gateway's ext-authz and JWT policies cover every
 * port but plain HTTP, so cluster-local calls and Knative's probes through it would be sent to
 * the sign-in page. The pods are an Istio-injected gateway Deployment (the `gateway` injection
 * template fills in Envoy's arguments, environment and volumes), not a copy of the proxy's spec.
 * @see https://istio.io/latest/docs/setup/additional-setup/gateway/
 */
export class KnativeLocalGateway extends Construct implements ILocalGateway {
  public readonly gatewayRef: string;
  public readonly serviceHost: string;
  public readonly peer: NetworkPeer;
  public readonly principal: string;
  /** Namespace of the gateway pods and the Service. */
  public readonly namespace: string;
  public readonly resources: ResourceSpec;
  public readonly autoscaling: LocalGatewayAutoscaling;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly gateway: ApiObject;
  /** How the gateway's series are labelled in Prometheus, when monitored. */
  public readonly scrapeJob?: ScrapeJob;
  private readonly gatewayNamespace: INamespace;
  private readonly allowIds = new Set<string>();

  public constructor(scope: Construct, id: string, props: KnativeLocalGatewayProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const name = NET_ISTIO_NAMES.localGateway;
    this.namespace = ns;
    this.gatewayNamespace = props.namespace;
    this.resources = props.resources ?? LOCAL_GATEWAY_DEFAULT_RESOURCES;
    this.autoscaling = props.autoscaling ?? LOCAL_GATEWAY_DEFAULT_AUTOSCALING;
    throwIfProblems('KnativeLocalGateway', autoscalingProblems(this.autoscaling));
    this.gatewayRef = `${props.knativeNamespace}/${name}`;
    this.serviceHost = `${name}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.peer = NetworkPeer.namespace(ns, { ...LOCAL_GATEWAY_POD_LABELS });
    this.principal = `${props.trustDomain ?? 'cluster.local'}/ns/${ns}/sa/${name}`;

    const labels = {
      ...standardLabels({
        name: 'knative-serving',
        instance: 'knative-local-gateway',
        component: 'net-istio',
        version: NET_ISTIO_VERSION,
      }),
      ...NET_ISTIO_COMMON_LABELS,
    };
    const podLabels = {
      ...labels,
      ...LOCAL_GATEWAY_POD_LABELS,
      // A gateway is never captured by ambient mode (Kubeflow's label).
      'istio.io/dataplane-mode': 'none',
      ...injectionPodLabels(props.mesh),
    };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace: ns, labels },
      spec: {
        // No replicas: the autoscaler owns the count.
        selector: { matchLabels: { ...LOCAL_GATEWAY_POD_LABELS } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'inject.istio.io/templates': 'gateway',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(ISTIO_MERGED_METRICS_PORT),
              'prometheus.io/path': ISTIO_MERGED_METRICS_PATH,
            },
          },
          spec: {
            serviceAccountName: name,
            // Envoy gets its mesh identity from a projected istio-token, not the API token.
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: PROXY_UID,
              runAsGroup: PROXY_UID,
              fsGroup: PROXY_UID,
            }),
            containers: [
              {
                // The injector completes this container (args, env, volumes, readiness probe).
                name: 'istio-proxy',
                image: resolveImage(this, props.image ?? LOCAL_GATEWAY_PROXY_IMAGE),
                ports: [
                  { name: 'http-local', containerPort: NET_ISTIO_PORTS.localGateway },
                  { name: 'status-port', containerPort: PROXY_HEALTH_PORT },
                  // The injector's gateway template declares it too; named here so that the pod
                  // monitor's port is visible in the manifest.
                  ...(props.monitoring ? [{ ...ENVOY_PROM_PORT, protocol: 'TCP' }] : []),
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext({
                  runAsUser: PROXY_UID,
                  runAsGroup: PROXY_UID,
                }),
              },
            ],
          },
        },
      },
    });

    if (props.monitoring) {
      this.scrapeJob = props.monitoring.scrape(this, {
        id: LOCAL_GATEWAY_SCRAPE_JOB,
        namespace: props.namespace,
        podLabels: { ...LOCAL_GATEWAY_POD_LABELS },
        port: { name: ENVOY_PROM_PORT.name, number: ENVOY_PROM_PORT.containerPort },
        path: ISTIO_MERGED_METRICS_PATH,
        description:
          "Knative's cluster-local gateway (Envoy): requests to models and their responses",
      });
    }

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name, namespace: ns, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: this.autoscaling.minReplicas,
        maxReplicas: this.autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: {
                type: 'Utilization',
                averageUtilization: this.autoscaling.targetCpuUtilizationPercent,
              },
            },
          },
        ],
      },
    });
    if (this.autoscaling.minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name, namespace: ns, labels },
        spec: {
          minAvailable: k8s.IntOrString.fromNumber(1),
          selector: { matchLabels: { ...LOCAL_GATEWAY_POD_LABELS } },
        },
      });
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name,
        namespace: ns,
        // Upstream's: Envoy listens on the Gateway's port (8081) itself, not on a port that
        // Istio would translate through this Service.
        labels: { ...labels, 'experimental.istio.io/disable-gateway-port-translation': 'true' },
      },
      spec: {
        type: 'ClusterIP',
        selector: { ...LOCAL_GATEWAY_POD_LABELS },
        // Upstream also maps 443 to 8444, for cluster-local TLS, which this platform does not
        // turn on: no Gateway server listens there.
        ports: [
          {
            name: 'http2',
            port: NET_ISTIO_PORTS.localGatewayService,
            targetPort: k8s.IntOrString.fromNumber(NET_ISTIO_PORTS.localGateway),
            protocol: 'TCP',
          },
        ],
      },
    });

    this.gateway = new ApiObject(this, 'Gateway', {
      apiVersion: ISTIO_NETWORKING_API_VERSION,
      kind: 'Gateway',
      metadata: { name, namespace: props.knativeNamespace, labels },
      spec: {
        selector: { ...LOCAL_GATEWAY_POD_LABELS },
        servers: [
          {
            port: { number: NET_ISTIO_PORTS.localGateway, name: 'http', protocol: 'HTTP' },
            hosts: ['*'],
          },
        ],
      },
    });

    if (props.clients && props.clients.length > 0) {
      this.allowClients('clients', props.clients);
    }
  }

  /**
   * Lets `peers` call the gateway on 8081 (a NetworkPolicy `allow-knative-local-gateway-<id>` in
   * the gateway's namespace): the ingress gateway, tenant namespaces that call models by their
   * cluster-local address, KServe's components.
   */
  public allowClients(id: string, peers: readonly NetworkPeer[]): void {
    if (this.allowIds.has(id)) {
      throw new Error(`KnativeLocalGateway: clients "${id}" are already allowed. Use another id.`);
    }
    this.allowIds.add(id);
    this.gatewayNamespace.allowIngress(`${NET_ISTIO_NAMES.localGateway}-${id}`, {
      description: `Cluster-local requests to Knative services and InferenceServices (${id})`,
      podLabels: { ...LOCAL_GATEWAY_POD_LABELS },
      from: peers,
      ports: [{ port: NET_ISTIO_PORTS.localGateway }],
    });
  }
}

/**
 * The pod labels that make the mesh's injector fill in a pod outside injection-labelled
 * namespaces: `istio.io/rev` for a revisioned mesh, `sidecar.istio.io/inject` for the default one.
 */
export function injectionPodLabels(mesh: IMesh): Record<string, string> {
  const rev = mesh.injectionLabels['istio.io/rev'];
  return rev ? { 'istio.io/rev': rev } : { 'sidecar.istio.io/inject': 'true' };
}

function autoscalingProblems(a: LocalGatewayAutoscaling): string[] {
  const out: string[] = [];
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) {
    out.push(
      propProblem(
        'autoscaling.minReplicas',
        'must be an integer of at least 1',
        String(a.minReplicas),
        'Use 1 or more.',
      ),
    );
  }
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) {
    out.push(
      propProblem(
        'autoscaling.maxReplicas',
        'must be an integer not below minReplicas',
        String(a.maxReplicas),
        `Use ${a.minReplicas} or more.`,
      ),
    );
  }
  const t = a.targetCpuUtilizationPercent;
  if (!Number.isInteger(t) || t < 1 || t > 100) {
    out.push(
      propProblem(
        'autoscaling.targetCpuUtilizationPercent',
        'must be an integer from 1 to 100',
        String(t),
        'Use e.g. 80.',
      ),
    );
  }
  return out;
}
