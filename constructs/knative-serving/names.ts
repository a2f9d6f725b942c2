/**
 * Names of the Knative Serving objects: upstream's (`config/core/**` at knative-v1.22.0), so that
 * Knative's own code, net-istio, KServe and upstream docs find them. Namespace-independent.
 */
export const KNATIVE_SERVING_NAMES = {
  /** Upstream's namespace (`config/core/100-namespace.yaml`); ours is a prop. */
  defaultNamespace: 'knative-serving',
  /** Runs the autoscaler, controller and webhook, and net-istio's controller and webhook. */
  controllerServiceAccount: 'controller',
  /** The activator's own identity since 1.22 (`config/core/200-serviceaccount.yaml`). */
  activatorServiceAccount: 'activator',
  activator: { deployment: 'activator', service: 'activator-service' },
  autoscaler: { deployment: 'autoscaler', service: 'autoscaler' },
  controller: { deployment: 'controller', service: 'controller' },
  webhook: {
    deployment: 'webhook',
    service: 'webhook',
    /** The webhook writes its own serving certificate into this Secret. */
    certSecret: 'webhook-certs',
    /** `config/core/webhooks/*.yaml`: the webhook fills in rules and caBundle itself. */
    defaulting: 'webhook.serving.knative.dev',
    validation: 'validation.webhook.serving.knative.dev',
    configValidation: 'config.webhook.serving.knative.dev',
  },
  /** The caching Image that pre-pulls the queue-proxy (`config/core/999-cache.yaml`). */
  queueProxyImage: 'queue-proxy',
  /** The system-internal TLS certificate (`config/core/300-knativecertificate.yaml`). */
  routingCertificate: 'routing-serving-certs',
  configMaps: {
    autoscaler: 'config-autoscaler',
    certmanager: 'config-certmanager',
    defaults: 'config-defaults',
    deployment: 'config-deployment',
    domain: 'config-domain',
    features: 'config-features',
    gc: 'config-gc',
    leaderElection: 'config-leader-election',
    logging: 'config-logging',
    network: 'config-network',
    observability: 'config-observability',
    tracing: 'config-tracing',
  },
  clusterRoles: {
    /** Aggregates every ClusterRole labelled `serving.knative.dev/controller: "true"`. */
    admin: 'knative-serving-admin',
    core: 'knative-serving-core',
    activatorCluster: 'knative-serving-activator-cluster',
    addressableResolver: 'knative-serving-addressable-resolver',
    aggregatedAddressableResolver: 'knative-serving-aggregated-addressable-resolver',
    podspecableBinding: 'knative-serving-podspecable-binding',
    namespacedAdmin: 'knative-serving-namespaced-admin',
    namespacedEdit: 'knative-serving-namespaced-edit',
    namespacedView: 'knative-serving-namespaced-view',
  },
  /** The activator's Role (and RoleBinding) in the system namespace. */
  activatorRole: 'knative-serving-activator',
  clusterRoleBindings: {
    controllerAdmin: 'knative-serving-controller-admin',
    controllerAddressableResolver: 'knative-serving-controller-addressable-resolver',
    activatorCluster: 'knative-serving-activator-cluster',
  },
} as const;

/**
 * The label that aggregates a ClusterRole into `knative-serving-admin`, the role of the
 * `controller` ServiceAccount. net-istio's `knative-serving-istio` carries it
 * (`config/core/200-roles/clusterrole.yaml`).
 */
export const KNATIVE_SERVING_CONTROLLER_AGGREGATION_LABEL = 'serving.knative.dev/controller';

/**
 * Container ports of the system workloads (`config/core/deployments/*.yaml`). Every workload
 * serves metrics on 9090 (Prometheus when `config-observability` `metrics-protocol` is
 * `prometheus`) and pprof on 8008 (when `runtime-profiling` is enabled).
 */
export const KNATIVE_SERVING_PORTS = {
  activator: {
    /** HTTP/1 from the ingress gateway (`networking.BackendHTTPPort`, pkg/networking/constants.go). */
    http1: 8012,
    /** HTTP/2 cleartext from the ingress gateway (`networking.BackendHTTP2Port`). */
    h2c: 8013,
    /** TLS, served only with `system-internal-tls` (`networking.BackendHTTPSPort`). */
    https: 8112,
    metrics: 9090,
    profiling: 8008,
  },
  autoscaler: {
    /** Stats the activator pushes over a websocket (`statsServerAddr`, cmd/autoscaler/main.go). */
    websocket: 8080,
    metrics: 9090,
    profiling: 8008,
  },
  controller: {
    /** `/health` and `/readiness`. */
    probes: 8080,
    metrics: 9090,
    profiling: 8008,
  },
  webhook: {
    /** Admission requests from the API server (`WEBHOOK_PORT`, cmd/webhook/main.go). */
    https: 8443,
    metrics: 9090,
    profiling: 8008,
  },
} as const;

/** Ports of the Services in front of the workloads (`config/core/deployments/*.yaml`). */
export const KNATIVE_SERVING_SERVICE_PORTS = {
  activator: { http: 80, http2: 81, https: 443, metrics: 9090, profiling: 8008 },
  autoscaler: { http: 8080, metrics: 9090, profiling: 8008 },
  controller: { metrics: 9090, profiling: 8008 },
  webhook: { https: 443, metrics: 9090, profiling: 8008 },
} as const;

/**
 * Ports of the queue-proxy the controller adds to every revision pod in user namespaces
 * (`pkg/networking/constants.go`, `pkg/reconciler/revision/resources/queue.go`): the gateway or
 * the activator send requests to 8012/8013 (8112 with TLS); the autoscaler scrapes 9090;
 * request metrics for users on 9091; 8022 is the admin port (drain, health) inside the pod.
 */
export const QUEUE_PROXY_PORTS = {
  http1: 8012,
  h2c: 8013,
  https: 8112,
  admin: 8022,
  autoscalingMetrics: 9090,
  userMetrics: 9091,
  profiling: 8008,
} as const;

/**
 * The pod labels each workload's selector matches, as upstream (`app`, plus `role` for the
 * activator and webhook): network policies and AuthorizationPolicies select on them.
 */
export const KNATIVE_SERVING_POD_LABELS = {
  activator: { app: 'activator', role: 'activator' },
  autoscaler: { app: 'autoscaler' },
  controller: { app: 'controller' },
  webhook: { app: 'webhook', role: 'webhook' },
} as const;

/** The Knative ingress class net-istio implements (`config-network` `ingress-class`). */
export const ISTIO_INGRESS_CLASS = 'istio.ingress.networking.knative.dev';
