import { IObjectStore } from '../core/object-store';
import { ResourceSpec } from '../core/resources';

/**
 * Upstream's defaults in `config/configmap/inferenceservice.yaml` at v0.18.0 (the data keys, not
 * the `_example` block). Each JSON value is parsed by the struct named beside it.
 */
export const KSERVE_CONFIG_DEFAULTS = {
  /** `storageInitializer`: `types.StorageInitializerConfig`. */
  storageInitializer: {
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '100Mi', limit: '1Gi' } },
    caBundleVolumeMountPath: '/etc/ssl/custom-certs',
    enableModelcar: true,
    cpuModelcar: '10m',
    memoryModelcar: '15Mi',
    uidModelcar: 1010,
  },
  /** `credentials`: `credentials.CredentialConfig` (`pkg/credentials`). */
  credentials: {
    storageSpecSecretName: 'storage-config',
    storageSecretNameAnnotation: 'serving.kserve.io/storageSecretName',
    gcsCredentialFileName: 'gcloud-application-credentials.json',
    s3AccessKeyIDName: 'AWS_ACCESS_KEY_ID',
    s3SecretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
  },
  /** `ingress`: `v1beta1.IngressConfig`. */
  ingress: {
    kserveIngressGateway: 'kserve/kserve-ingress-gateway',
    ingressGateway: 'knative-serving/knative-ingress-gateway',
    localGateway: 'knative-serving/knative-local-gateway',
    localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
    ingressDomain: 'example.com',
    ingressClassName: 'istio',
    domainTemplate: '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}',
    urlScheme: 'http',
  },
  /** `logger`: `pod.LoggerConfig` (`pkg/webhook/admission/pod/agent_injector.go`). */
  logger: {
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '100Mi', limit: '1Gi' } },
    defaultUrl: 'http://default-broker',
  },
  /** `batcher`: `pod.BatcherConfig`. */
  batcher: {
    resources: { cpu: { request: '1', limit: '1' }, memory: { request: '1Gi', limit: '1Gi' } },
    maxBatchSize: 32,
    maxLatencyMs: 5000,
  },
  /** `agent`: `pod.AgentConfig`. */
  agent: {
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '100Mi', limit: '1Gi' } },
  },
  /** `router`: `inferencegraph.RouterConfig`. */
  router: {
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '100Mi', limit: '1Gi' } },
  },
  /** `inferenceService.resource`: the default resources of a predictor that sets none. */
  inferenceServiceResources: {
    cpu: { request: '1', limit: '1' },
    memory: { request: '2Gi', limit: '2Gi' },
  },
  /** `deploy.defaultDeploymentMode`. */
  deploymentMode: 'Serverless',
} as const;

/**
 * Kubeflow 26.03.1's path template (`applications/kserve/kserve/kustomization.yaml` patches
 * `ingress.pathTemplate`): each service is also reachable under `/serving/<namespace>/<name>` on
 * the ingress domain.
 */
export const KUBEFLOW_PATH_TEMPLATE = '/serving/{{ .Namespace }}/{{ .Name }}';

/** `{cpuRequest, cpuLimit, memoryRequest, memoryLimit}`, the shape every section uses. */
export function resourceConfig(spec: ResourceSpec): Record<string, string> {
  return {
    cpuRequest: spec.cpu.request,
    cpuLimit: spec.cpu.limit ?? '',
    memoryRequest: spec.memory.request,
    memoryLimit: spec.memory.limit,
  };
}

/** What `credentials.s3` says about the object store, as `pkg/credentials/s3/utils.go` reads it. */
export function s3Credentials(
  store: IObjectStore | undefined,
  keys: { readonly accessKey: string; readonly secretKey: string },
): Record<string, string> {
  return {
    s3AccessKeyIDName: keys.accessKey,
    s3SecretAccessKeyName: keys.secretKey,
    // Without a scheme, so that `s3UseHttps` decides it (a scheme in the endpoint would win).
    s3Endpoint: store ? `${store.host}:${store.port}` : '',
    s3UseHttps: store ? (store.secure ? '1' : '0') : '',
    s3Region: store?.region ?? '',
    s3VerifySSL: '',
    s3UseVirtualBucket: '',
    s3UseAccelerate: '',
    s3UseAnonymousCredential: '',
    s3CABundleConfigMap: '',
    s3CABundle: '',
  };
}

/** One ConfigMap value: indented JSON, keys in the order given (deterministic). */
export function configJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
