/**
 * Facts of net-istio 1.22.0, read from knative-extensions/net-istio `config/` at tag
 * `knative-v1.22.0`, and from Kubeflow 26.03.1 (kubeflow/community-distribution at
 * f09f3eeaa25cc852665f460497a42b7fc68639ac) for image digests and the local gateway. Written out
 * here so that the tests compare the constructs with the source, not with themselves.
 */
export const NET_ISTIO_UPSTREAM = {
  images: {
    // common/knative/knative-serving/base/upstream/net-istio.yaml (Kubeflow 26.03.1)
    controller:
      'gcr.io/knative-releases/knative.dev/net-istio/cmd/controller:v1.22.0@sha256:d849c758f269bf651bd2dd6a973a11d4029ecc2ba4c3bc0fd07b86252d5ab087',
    webhook:
      'gcr.io/knative-releases/knative.dev/net-istio/cmd/webhook:v1.22.0@sha256:2563f60b712dbba6cb4f67a0925437c2841ce57433d9733528cfdfd566106995',
  },
  // config/500-controller.yaml
  controller: {
    deployment: 'net-istio-controller',
    container: 'controller',
    selector: { app: 'net-istio-controller' },
    serviceAccount: 'controller',
    literalEnv: {
      CONFIG_LOGGING_NAME: 'config-logging',
      CONFIG_OBSERVABILITY_NAME: 'config-observability',
      ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID: 'false',
      METRICS_DOMAIN: 'knative.dev/net-istio',
    },
    ports: [
      { name: 'metrics', containerPort: 9090 },
      { name: 'profiling', containerPort: 8008 },
      { name: 'probes', containerPort: 8080 },
    ],
    readiness: { path: '/readiness', port: 'probes', periodSeconds: 5, failureThreshold: 3 },
    liveness: { path: '/health', port: 'probes', periodSeconds: 5, failureThreshold: 6 },
    resources: {
      requests: { cpu: '30m', memory: '40Mi' },
      limits: { cpu: '300m', memory: '400Mi' },
    },
  },
  // config/500-webhook-deployment.yaml, 500-webhook-service.yaml, 500-webhook-secret.yaml
  webhook: {
    deployment: 'net-istio-webhook',
    container: 'webhook',
    selector: { app: 'net-istio-webhook', role: 'net-istio-webhook' },
    literalEnv: {
      CONFIG_LOGGING_NAME: 'config-logging',
      CONFIG_OBSERVABILITY_NAME: 'config-observability',
      METRICS_DOMAIN: 'knative.dev/net-istio',
      WEBHOOK_NAME: 'net-istio-webhook',
      WEBHOOK_PORT: '8443',
    },
    ports: [
      { name: 'metrics', containerPort: 9090 },
      { name: 'profiling', containerPort: 8008 },
      { name: 'https-webhook', containerPort: 8443 },
    ],
    servicePorts: [
      { name: 'http-metrics', port: 9090, targetPort: 'metrics' },
      { name: 'http-profiling', port: 8008, targetPort: 'profiling' },
      { name: 'https-webhook', port: 443, targetPort: 'https-webhook' },
    ],
    serviceSelector: { app: 'net-istio-webhook' },
    secret: 'net-istio-webhook-certs',
    resources: {
      requests: { cpu: '20m', memory: '20Mi' },
      limits: { cpu: '200m', memory: '200Mi' },
    },
    // config/600-*.yaml; paths from cmd/webhook/main.go
    mutating: { name: 'webhook.istio.networking.internal.knative.dev', path: '/defaulting' },
    validating: {
      name: 'config.webhook.istio.networking.internal.knative.dev',
      path: '/config-validation',
      objectSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'knative-serving',
          'app.kubernetes.io/component': 'net-istio',
        },
      },
    },
  },
  // config/200-clusterrole.yaml
  clusterRole: {
    name: 'knative-serving-istio',
    rules: [
      {
        apiGroups: ['networking.istio.io'],
        resources: ['virtualservices', 'gateways', 'destinationrules'],
        verbs: ['get', 'list', 'create', 'update', 'delete', 'patch', 'watch'],
      },
    ],
  },
  // config/203-local-gateway.yaml
  localGateway: {
    name: 'knative-local-gateway',
    serverPort: 8081,
    servicePort: 80,
    serviceLabel: { 'experimental.istio.io/disable-gateway-port-translation': 'true' },
  },
  // config/400-webhook-peer-authentication.yaml
  peerAuthentications: [
    { name: 'webhook', selector: { app: 'webhook' } },
    { name: 'net-istio-webhook', selector: { app: 'net-istio-webhook' } },
  ],
  // Kubeflow: common/istio/cluster-local-gateway/base/cluster-local-gateway.yaml
  kubeflowLocalGatewayResources: {
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '2000m', memory: '1024Mi' },
  },
} as const;
