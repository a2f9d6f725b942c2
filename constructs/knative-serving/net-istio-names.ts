/**
 * Names, labels and ports of net-istio 1.22.0 (knative-extensions/net-istio `config/` at
 * `knative-v1.22.0`). Knative Serving, KServe and the net-istio binaries find several of these by
 * name, so they follow upstream exactly.
 */
export const NET_ISTIO_NAMES = {
  controller: {
    deployment: 'net-istio-controller',
    container: 'controller',
  },
  webhook: {
    deployment: 'net-istio-webhook',
    container: 'webhook',
    /** The Service; also `ServiceName` in `cmd/webhook/main.go`. */
    service: 'net-istio-webhook',
    /** The Secret the webhook writes its own serving certificate into (`SecretName`). */
    certificateSecret: 'net-istio-webhook-certs',
    /** `WEBHOOK_NAME` and the component name of `sharedmain.WebhookMainWithContext`. */
    name: 'net-istio-webhook',
    /** Mutating: defaults Istio's canonical-name labels on revision Deployments. */
    defaulting: 'webhook.istio.networking.internal.knative.dev',
    /** Validating: checks `config-istio`. */
    configValidation: 'config.webhook.istio.networking.internal.knative.dev',
  },
  /** ClusterRole `200-clusterrole.yaml`, aggregated into `knative-serving-admin`. */
  clusterRole: 'knative-serving-istio',
  /** The ConfigMap net-istio reads its gateways from (`IstioConfigName`). */
  configMap: 'config-istio',
  /** Knative Serving's shared ConfigMaps the binaries read (env of `500-controller.yaml`). */
  loggingConfigMap: 'config-logging',
  observabilityConfigMap: 'config-observability',
  /**
   * Knative Serving's ServiceAccount, which upstream runs both net-istio Deployments as; its
   * binding to `knative-serving-admin` comes with Knative Serving core.
   */
  serviceAccount: 'controller',
  /** upstream's PeerAuthentications (`400-webhook-peer-authentication.yaml`). */
  webhookPeerAuthentication: 'net-istio-webhook',
  servingWebhookPeerAuthentication: 'webhook',
  /** Upstream's external Gateway (`202-gateway.yaml`); not created: the platform gateway serves. */
  ingressGateway: 'knative-ingress-gateway',
  /** The cluster-local Gateway (in knative-serving) and its Service (in the gateway namespace). */
  localGateway: 'knative-local-gateway',
} as const;

/** Ports of net-istio 1.22.0 (`500-controller.yaml`, `500-webhook-*.yaml`, `203-local-gateway.yaml`). */
export const NET_ISTIO_PORTS = {
  /** Prometheus metrics of both binaries (container port `metrics`). */
  metrics: 9090,
  /** pprof (container port `profiling`); off unless enabled in `config-observability`. */
  profiling: 8008,
  /** The controller's `/readiness` and `/health` (container port `probes`). */
  controllerProbes: 8080,
  /** The webhook's TLS port (`WEBHOOK_PORT`, container port `https-webhook`). */
  webhook: 8443,
  /** The webhook Service port the API server calls. */
  webhookService: 443,
  /** The cluster-local Gateway's server port, where the gateway's Envoy listens. */
  localGateway: 8081,
  /** The local gateway Service's HTTP port (`http2`, target `localGateway`). */
  localGatewayService: 80,
} as const;

/** Ports of Knative Serving 1.22.0 that traffic from a gateway reaches. */
export const KNATIVE_DATA_PLANE_PORTS = {
  /** The activator's `http1` and `h2c` container ports (serving `config/core/deployments/activator.yaml`). */
  activatorHttp1: 8012,
  activatorH2c: 8013,
  /**
   * queue-proxy in every revision pod: HTTP/1 and h2c in front of the user container, and the
   * metrics the autoscaler scrapes (knative.dev/networking `BackendHTTPPort`, `BackendHTTP2Port`,
   * `AutoscalingQueueMetricsPort`).
   */
  queueHttp1: 8012,
  queueH2c: 8013,
  queueMetrics: 9090,
} as const;

/** Labels of every net-istio object: upstream's (the config webhook selects `config-istio` by two). */
export const NET_ISTIO_COMMON_LABELS = {
  'app.kubernetes.io/name': 'knative-serving',
  'app.kubernetes.io/component': 'net-istio',
  'networking.knative.dev/ingress-provider': 'istio',
} as const;

/** Pod selectors, upstream's (Kubeflow's network policies select them by these). */
export const NET_ISTIO_POD_LABELS = {
  controller: { app: 'net-istio-controller' },
  webhook: { app: 'net-istio-webhook', role: 'net-istio-webhook' },
} as const;

/** The activator's pod labels (Knative Serving core): the gateways' first hop for scaled-to-zero revisions. */
export const ACTIVATOR_POD_LABELS = { app: 'activator', role: 'activator' } as const;
/** Knative Serving core's webhook pods, which upstream's net-istio PeerAuthentication `webhook` selects. */
export const SERVING_WEBHOOK_POD_LABELS = { app: 'webhook' } as const;
/** The ServiceAccount of the activator in Knative Serving 1.22.0. */
export const ACTIVATOR_SERVICE_ACCOUNT = 'activator';

/** Labels of the dedicated cluster-local gateway pods (Kubeflow's `cluster-local-gateway`, renamed). */
export const LOCAL_GATEWAY_POD_LABELS = {
  app: 'knative-local-gateway',
  istio: 'knative-local-gateway',
} as const;
