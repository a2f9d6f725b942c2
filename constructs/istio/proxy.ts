import { k8s } from 'cdk8s-plus-27';
import { ResourceSpec } from '../core/resources';
import { restrictedContainerSecurityContext } from '../core/security';
import { ISTIO_NAMES, ISTIO_PORTS } from './names';

/**
 * The pieces of an Istio proxy (sidecar or gateway) that do not depend on the pod: the same for
 * the injection templates and for the ingress gateway's explicit pod spec, so that both describe
 * the proxy upstream's injector produces.
 */

/** The user and group Envoy and pilot-agent run as; iptables rules exclude this UID. */
export const PROXY_UID = 1337;
export const PROXY_CONTAINER = 'istio-proxy';
export const VALIDATION_CONTAINER = 'istio-validation';
/** Audience of the projected token the proxy presents to istiod. */
export const PROXY_TOKEN_AUDIENCE = 'istio-ca';

/** Proxy settings of the mesh: what the injector config and the gateway are built from. */
export interface ProxyOptions {
  /** Requests and limits of every injected proxy (and of the istio-validation init container). @default PROXY_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Envoy log level. @default 'warning' */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  /** Envoy component log levels, `component:level,...`. @default 'misc:error' */
  readonly componentLogLevel?: string;
}

/** Upstream's proxy resources: 100m/128Mi requested, 2 CPUs and 1Gi at most. */
export const PROXY_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2000m' },
  memory: { request: '128Mi', limit: '1024Mi' },
};

/** Proxy settings with every default applied, plus the resolved image. */
export interface ResolvedProxy {
  readonly image: string;
  readonly resources: ResourceSpec;
  readonly logLevel: string;
  readonly componentLogLevel: string;
  /** pilot-agent's log level (`global.logging.level`). */
  readonly agentLogLevel: string;
  readonly clusterDomain: string;
  readonly readiness: {
    readonly initialDelaySeconds: number;
    readonly periodSeconds: number;
    readonly failureThreshold: number;
  };
  readonly startupFailureThreshold: number;
}

export function resolveProxy(image: string, opts: ProxyOptions = {}): ResolvedProxy {
  return {
    image,
    resources: opts.resources ?? PROXY_DEFAULT_RESOURCES,
    logLevel: opts.logLevel ?? 'warning',
    componentLogLevel: opts.componentLogLevel ?? 'misc:error',
    agentLogLevel: 'default:info',
    clusterDomain: 'cluster.local',
    readiness: { initialDelaySeconds: 0, periodSeconds: 15, failureThreshold: 4 },
    startupFailureThreshold: 600,
  };
}

export type ProxyKind = 'sidecar' | 'gateway';

/** Restricted, as user 1337: the proxy needs no capability when the CNI agent sets up iptables. */
export function proxySecurityContext(): k8s.SecurityContext {
  return restrictedContainerSecurityContext({ runAsUser: PROXY_UID, runAsGroup: PROXY_UID });
}

export const PROXY_PROMETHEUS_PORT: k8s.ContainerPort = {
  name: 'http-envoy-prom',
  containerPort: ISTIO_PORTS.proxy.envoyPrometheus,
  protocol: 'TCP',
};

/** The mounts of the proxy container; a gateway has no CRL mount. */
export function proxyVolumeMounts(kind: ProxyKind): k8s.VolumeMount[] {
  return [
    { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
    { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
    { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
    { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
    ...(kind === 'sidecar'
      ? [{ name: 'istio-ca-crl', mountPath: '/var/run/secrets/istio/crl' }]
      : []),
    { name: 'istio-data', mountPath: '/var/lib/istio/data' },
    // The SDS channel between pilot-agent and Envoy.
    { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
    { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
    { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
  ];
}

/** The volumes injected next to the proxy, in upstream order. */
export function proxyVolumes(kind: ProxyKind): k8s.Volume[] {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardApi: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: {
        sources: [
          {
            serviceAccountToken: {
              path: 'istio-token',
              expirationSeconds: 43200,
              audience: PROXY_TOKEN_AUDIENCE,
            },
          },
        ],
      },
    },
    { name: 'istiod-ca-cert', configMap: { name: ISTIO_NAMES.caRootCertConfigMap } },
    ...(kind === 'sidecar'
      ? [{ name: 'istio-ca-crl', configMap: { name: ISTIO_NAMES.caCrlConfigMap, optional: true } }]
      : []),
  ];
}

/** An env var the kubelet fills from a pod field. */
export function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** An env var the kubelet fills from the container's own resources, in whole units. */
export function resourceEnv(name: string, resource: string): k8s.EnvVar {
  return {
    name,
    valueFrom: { resourceFieldRef: { resource, divisor: k8s.Quantity.fromString('1') } },
  };
}

/** Per-pod values of the proxy environment: strings for a pod spec, actions for a template. */
export interface ProxyEnvValues<V> {
  readonly caAddress: V;
  /** The effective ProxyConfig as JSON, defaults left out. */
  readonly proxyConfig: V;
  /** JSON list of the pod's container ports. */
  readonly podPorts: V;
  /** Comma-separated names of the application containers. */
  readonly appContainers: V;
  readonly clusterId: V;
  readonly interceptionMode: V;
  readonly workloadName: V;
  /** `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>` of the owning workload. */
  readonly owner: V;
  readonly meshId: V;
  readonly trustDomain: V;
}

export interface ProxyEnvVar<V> {
  readonly name: string;
  readonly value?: V | string;
  readonly valueFrom?: k8s.EnvVarSource;
}

/** The environment of the proxy container with upstream's names and order for each kind. */
export function proxyEnv<V>(kind: ProxyKind, v: ProxyEnvValues<V>): ProxyEnvVar<V>[] {
  const plain = (name: string, value: V | string): ProxyEnvVar<V> => ({ name, value });
  const head: ProxyEnvVar<V>[] = [
    plain('PILOT_CERT_PROVIDER', 'istiod'),
    plain('CA_ADDR', v.caAddress),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    resourceEnv('ISTIO_CPU_LIMIT', 'limits.cpu'),
    plain('PROXY_CONFIG', v.proxyConfig),
    plain('ISTIO_META_POD_PORTS', v.podPorts),
  ];
  const apps = plain('ISTIO_META_APP_CONTAINERS', v.appContainers);
  const go = [resourceEnv('GOMEMLIMIT', 'limits.memory'), resourceEnv('GOMAXPROCS', 'limits.cpu')];
  const tail: ProxyEnvVar<V>[] = [
    plain('ISTIO_META_CLUSTER_ID', v.clusterId),
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    plain('ISTIO_META_INTERCEPTION_MODE', v.interceptionMode),
    plain('ISTIO_META_WORKLOAD_NAME', v.workloadName),
    plain('ISTIO_META_OWNER', v.owner),
    plain('ISTIO_META_MESH_ID', v.meshId),
    plain('TRUST_DOMAIN', v.trustDomain),
  ];
  // The gateway template lists the application containers after the Go runtime limits.
  return kind === 'sidecar' ? [...head, apps, ...go, ...tail] : [...head, ...go, apps, ...tail];
}

/** The readiness probe on pilot-agent's health port. */
export function proxyReadinessProbe<V>(v: {
  readonly initialDelaySeconds: V;
  readonly periodSeconds: V;
  readonly failureThreshold: V;
}): {
  httpGet: k8s.HttpGetAction;
  initialDelaySeconds: V;
  periodSeconds: V;
  timeoutSeconds: number;
  failureThreshold: V;
} {
  return {
    httpGet: {
      path: '/healthz/ready',
      port: k8s.IntOrString.fromNumber(ISTIO_PORTS.proxy.health),
    },
    initialDelaySeconds: v.initialDelaySeconds,
    periodSeconds: v.periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: v.failureThreshold,
  };
}

/** Splits a resolved image into Istio's `hub`, image name and `tag` (a digest stays on the tag). */
export function splitImage(image: string): { hub: string; name: string; tag: string } {
  const at = image.indexOf('@');
  const digest = at < 0 ? '' : image.slice(at);
  const ref = at < 0 ? image : image.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (slash < 0 || colon < slash) {
    throw new Error(`Image "${image}" must be <registry>/<path>:<tag>.`);
  }
  return {
    hub: ref.slice(0, slash),
    name: ref.slice(slash + 1, colon),
    tag: `${ref.slice(colon + 1)}${digest}`,
  };
}
