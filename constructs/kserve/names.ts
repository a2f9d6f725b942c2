/**
 * Names of the KServe controller's objects: upstream's (`config/manager`, `config/webhook`,
 * `config/rbac`, `config/certmanager/kserve`, `config/configmap` at v0.18.0), so that upstream's
 * docs, the models web app and an existing install find them.
 */
export const KSERVE_NAMES = {
  deployment: 'kserve-controller-manager',
  container: 'manager',
  rbacProxyContainer: 'kube-rbac-proxy',
  serviceAccount: 'kserve-controller-manager',
  clusterRole: 'kserve-manager-role',
  clusterRoleBinding: 'kserve-manager-rolebinding',
  /** The metrics proxy's TokenReview/SubjectAccessReview rights. */
  proxyClusterRole: 'kserve-proxy-role',
  proxyClusterRoleBinding: 'kserve-proxy-rolebinding',
  leaderElectionRole: 'kserve-leader-election-role',
  leaderElectionRoleBinding: 'kserve-leader-election-rolebinding',
  /** `LeaderLockName` of `cmd/manager/main.go`. */
  leaderElectionLease: 'kserve-controller-manager-leader-lock',
  /** Port 8443 of the proxy (`config/manager/service.yaml`). */
  service: 'kserve-controller-manager-service',
  /** The same port with Prometheus annotations (`config/rbac/auth_proxy_service.yaml`). */
  metricsService: 'kserve-controller-manager-metrics-service',
  webhookService: 'kserve-webhook-server-service',
  certificate: 'serving-cert',
  /** The `SECRET_NAME` the manager is given, mounted as its serving certificate. */
  certificateSecret: 'kserve-webhook-server-cert',
  /** `constants.InferenceServiceConfigMapName`, read from the controller's own namespace. */
  configMap: 'inferenceservice-config',
  /** The default ClusterStorageContainer (`config/storagecontainers/default.yaml`). */
  defaultStorageContainer: 'default',
  mutatingWebhook: 'inferenceservice.serving.kserve.io',
  validatingWebhooks: {
    inferenceService: 'inferenceservice.serving.kserve.io',
    trainedModel: 'trainedmodel.serving.kserve.io',
    inferenceGraph: 'inferencegraph.serving.kserve.io',
    clusterServingRuntime: 'clusterservingruntime.serving.kserve.io',
    servingRuntime: 'servingruntime.serving.kserve.io',
  },
} as const;

export const KSERVE_PORTS = {
  /** `--webhook-port` default (`cmd/manager/main.go`), container port `webhook-server`. */
  webhook: 9443,
  /** The webhook Service's port (`config/webhook/service.yaml`), target `webhook-server`. */
  webhookService: 443,
  /** `--health-probe-addr` default `:8081`: `/healthz` and `/readyz`. */
  health: 8081,
  /** `--metrics-addr=127.0.0.1:8080`: plain metrics, loopback only, behind the proxy. */
  metricsLocal: 8080,
  /** The kube-rbac-proxy's TLS port `https` in front of the metrics (both Services). */
  metrics: 8443,
} as const;

/** Where controller-runtime reads the webhook serving certificate (`tls.crt`, `tls.key`). */
export const KSERVE_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';

/**
 * Labels of the controller pods as upstream sets them (`config/manager/manager.yaml`); the
 * Services and our selectors match on them.
 */
export const KSERVE_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
  'control-plane': 'kserve-controller-manager',
  'controller-tools.k8s.io': '1.0',
};

/** Admission paths the manager serves (`cmd/manager/main.go` and the generated webhooks). */
export const KSERVE_WEBHOOK_PATHS = {
  inferenceServiceDefaulter: '/mutate-serving-kserve-io-v1beta1-inferenceservice',
  podMutator: '/mutate-pods',
  inferenceServiceValidator: '/validate-serving-kserve-io-v1beta1-inferenceservice',
  trainedModelValidator: '/validate-serving-kserve-io-v1alpha1-trainedmodel',
  inferenceGraphValidator: '/validate-serving-kserve-io-v1alpha1-inferencegraph',
  clusterServingRuntimeValidator: '/validate-serving-kserve-io-v1alpha1-clusterservingruntime',
  servingRuntimeValidator: '/validate-serving-kserve-io-v1alpha1-servingruntime',
} as const;

/** How an InferenceService is deployed (`DeploymentModeType`, `pkg/constants/constants.go`). */
export const KSERVE_DEPLOYMENT_MODES = [
  'Serverless',
  'Knative',
  'RawDeployment',
  'Standard',
] as const;
/**
 * `Serverless` and `RawDeployment` are 0.18.0's deprecated spellings of `Knative` and `Standard`
 * (`ParseDeploymentMode` maps them); an empty mode means `Standard`.
 */
export type KServeDeploymentMode = (typeof KSERVE_DEPLOYMENT_MODES)[number];

/** Keys of labels and annotations on InferenceServices and their pods (`pkg/constants/constants.go`). */
export const KSERVE_KEYS = {
  /** InferenceService annotation choosing the mode of one service (`DeploymentMode`). */
  deploymentMode: 'serving.kserve.io/deploymentMode',
  /** Autoscaler class (`hpa`, `kpa`, `keda`, `external`, `none`) of one service. */
  autoscalerClass: 'serving.kserve.io/autoscalerClass',
  /** Stops a service (`"true"`) without deleting it. */
  stop: 'serving.kserve.io/stop',
  /** Per-service opt-in to Prometheus annotations on its pods (`SetPrometheusAnnotation`). */
  enablePrometheusScraping: 'serving.kserve.io/enable-prometheus-scraping',
  /** Per-service opt-in to queue-proxy metric aggregation (`EnableMetricAggregation`). */
  enableMetricAggregation: 'serving.kserve.io/enable-metric-aggregation',
  /** Pod annotation naming the model server's metrics port (`KserveContainerPrometheusPortKey`). */
  containerPrometheusPort: 'prometheus.kserve.io/port',
  /** Pod annotation naming the model server's metrics path. */
  containerPrometheusPath: 'prometheus.kserve.io/path',
  /** The Prometheus annotations the webhook writes on a pod when scraping is on. */
  prometheusPort: 'prometheus.io/port',
  prometheusPath: 'prometheus.io/path',
  /**
   * Label on every pod of an InferenceService with its name (`InferenceServicePodLabelKey`); the
   * pod webhook's objectSelector requires it.
   */
  inferenceServicePodLabel: 'serving.kserve.io/inferenceservice',
  /** Label `component` (`predictor`, `transformer`, `explainer`) of a service's pods. */
  componentLabel: 'component',
  /**
   * InferenceService annotation naming the Secret the storage initializer reads
   * (`credentials.storageSecretNameAnnotation`), instead of the service account's Secrets.
   */
  storageSecretName: 'serving.kserve.io/storageSecretName',
  /** Annotation on a ServingRuntime naming its server type. */
  servingRuntimeServerType: 'serving.kserve.io/server-type',
} as const;

/**
 * Annotations on an S3 credentials Secret (attached to the predictor's service account) that the
 * controller turns into the storage initializer's environment; each overrides the same setting of
 * `inferenceservice-config` (`credentials.s3`) for that Secret's users. Source:
 * `pkg/credentials/s3/s3_secret.go` and `utils.go` at v0.18.0. Values are strings: `"1"`/`"0"`
 * for the https and SSL flags, `"true"` for anonymous.
 */
export const KSERVE_S3_SECRET_ANNOTATIONS = {
  endpoint: 'serving.kserve.io/s3-endpoint',
  useHttps: 'serving.kserve.io/s3-usehttps',
  region: 'serving.kserve.io/s3-region',
  verifySsl: 'serving.kserve.io/s3-verifyssl',
  useVirtualBucket: 'serving.kserve.io/s3-usevirtualbucket',
  useAccelerate: 'serving.kserve.io/s3-useaccelerate',
  useAnonymousCredential: 'serving.kserve.io/s3-useanoncredential',
  caBundleConfigMap: 'serving.kserve.io/s3-cabundle-configmap',
  caBundle: 'serving.kserve.io/s3-cabundle',
} as const;

/** Ports of model pods (`pkg/constants/constants.go`, `metrics_aggregate_injector.go`). */
export const KSERVE_MODEL_PORTS = {
  /** The model server's HTTP port (`InferenceServiceDefaultHttpPort`). */
  predictorHttp: 8080,
  /** The agent (logger, batcher) in front of the model server (`InferenceServiceDefaultAgentPort`). */
  agent: 9081,
  /** The InferenceGraph router (`RouterPort`). */
  router: 8080,
  /** Prometheus port set on a pod without aggregation (`DefaultPodPrometheusPort`). */
  podPrometheus: 9091,
  /** queue-proxy's aggregated metrics port `aggr-metric` (`QueueProxyAggregatePrometheusMetricsPort`). */
  aggregatedPrometheus: 9088,
  /** The model server's own metrics port unless `prometheus.kserve.io/port` says otherwise. */
  containerPrometheus: 8080,
} as const;

/** The metrics path the webhook writes into `prometheus.io/path` (`DefaultPrometheusPath`). */
export const KSERVE_PROMETHEUS_PATH = '/metrics';
