/**
 * Names of cert-manager objects that other components, users and cert-manager itself look up.
 * The workload names are the upstream ones (release `cert-manager`), so upstream docs,
 * dashboards and `cmctl` work unchanged.
 */
export const CERT_MANAGER_NAMES = {
  /** Deployment, ServiceAccount and metrics Service of the controller. */
  controller: 'cert-manager',
  controllerContainer: 'cert-manager-controller',
  /** Deployment, ServiceAccount and metrics Service of the CA injector. */
  cainjector: 'cert-manager-cainjector',
  cainjectorContainer: 'cert-manager-cainjector',
  /** Deployment, ServiceAccount and Service of the admission webhook. */
  webhook: 'cert-manager-webhook',
  webhookContainer: 'cert-manager-webhook',
  /** The Service the API server calls for admission (port `webhookServicePort`). */
  webhookService: 'cert-manager-webhook',
  /** Name of both the mutating and the validating webhook configuration. */
  webhookConfiguration: 'cert-manager-webhook',
  /** The webhook inside each configuration. */
  webhookName: 'webhook.cert-manager.io',
  /**
   * The webhook's serving CA. The webhook creates and rotates it at runtime; cainjector copies its
   * `ca.crt` into the webhook configurations. Never created by the construct.
   */
  webhookCaSecret: 'cert-manager-webhook-ca',
  /** Leases the controller and cainjector hold while leading. */
  controllerLease: 'cert-manager-controller',
  cainjectorLeases: [
    'cert-manager-cainjector-leader-election',
    'cert-manager-cainjector-leader-election-core',
  ],
} as const;

/** Ports, by the names the containers give them. */
export const CERT_MANAGER_PORTS = {
  /** Prometheus metrics of every component (`http-metrics`). */
  metrics: 9402,
  /** Controller liveness endpoint (`http-healthz`). */
  controllerHealthz: 9403,
  /** Webhook HTTPS listener (`https`); the API server must reach it. */
  webhook: 10250,
  /** Webhook Service port that maps to `webhook`. */
  webhookService: 443,
  /** Webhook liveness and readiness endpoint (`healthcheck`). */
  webhookHealthz: 6080,
} as const;

/** Default names of the ClusterIssuers and Secrets the platform issuers create. */
export const PLATFORM_ISSUER_NAMES = {
  selfSigned: 'platform-selfsigned',
  /** The CA ClusterIssuer (`ca()` and `platformCa()`). */
  ca: 'platform-ca',
  /** `platformCa()`: the self-signed ClusterIssuer that signs only the root CA (`<name>-bootstrap`). */
  caBootstrap: 'platform-ca-bootstrap',
  /** `platformCa()`: root CA Certificate and Secret, in the cluster resource namespace (`<name>-root`). */
  rootCa: 'platform-ca-root',
  acme: 'platform-acme',
  /**
   * The CA of in-cluster Service names (webhook certificates) when the public issuer is ACME or
   * external: a `platformCa()` of this name.
   */
  serviceCa: 'platform-service-ca',
} as const;

/** API groups and version of cert-manager's custom resources. */
export const CERT_MANAGER_API = {
  group: 'cert-manager.io',
  acmeGroup: 'acme.cert-manager.io',
  version: 'v1',
  apiVersion: 'cert-manager.io/v1',
} as const;

/** Namespace label that makes the validating webhook skip a namespace. */
export const DISABLE_VALIDATION_LABEL = 'cert-manager.io/disable-validation';

/** Annotation cainjector reads to fill a webhook configuration's caBundle from a Secret. */
export const INJECT_CA_FROM_SECRET_ANNOTATION = 'cert-manager.io/inject-ca-from-secret';

/**
 * The pods cert-manager starts to answer ACME HTTP-01 challenges, in the namespace of the
 * Certificate. A namespace with default-deny ingress must let the ingress gateway reach them.
 */
export const ACME_HTTP01_SOLVER = {
  podLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
  port: 8089,
} as const;
