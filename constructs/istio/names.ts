/**
 * Names other components, users and Istio itself look up. Istio finds several of its objects by
 * name (the mesh and injector ConfigMaps, the `istio-ca-root-cert` ConfigMap it writes into every
 * namespace), so these follow upstream exactly.
 */
export const ISTIO_NAMES = {
  istiod: 'istiod',
  meshConfigMap: 'istio',
  injectorConfigMap: 'istio-sidecar-injector',
  injectorWebhook: 'istio-sidecar-injector',
  validatorWebhook: 'istio-validator',
  /** Validates Istio config that carries no `istio.io/rev` label. */
  defaultValidatorWebhook: 'istiod-default-validator',
  istiodClusterRole: 'istiod-clusterrole',
  /** Written by istiod into every namespace: the mesh root certificate. */
  caRootCertConfigMap: 'istio-ca-root-cert',
  caCrlConfigMap: 'istio-ca-crl',
  /** The conventional name of the mesh-wide PeerAuthentication in the root namespace. */
  meshPeerAuthentication: 'default',
  cni: {
    daemonSet: 'istio-cni-node',
    serviceAccount: 'istio-cni',
    configMap: 'istio-cni-config',
    clusterRole: 'istio-cni',
    repairClusterRole: 'istio-cni-repair-role',
    repairClusterRoleBinding: 'istio-cni-repair-rolebinding',
    resourceQuota: 'istio-cni-resource-quota',
  },
  gateway: {
    /** Deployment, Service, ServiceAccount, Role and autoscaler of the ingress gateway. */
    workload: 'istio-ingressgateway',
    /** Value of the `istio` label that Gateways and policies select the gateway pods with. */
    istioLabel: 'ingressgateway',
    /** The Istio `Gateway` resource that VirtualServices bind to. */
    resource: 'platform-gateway',
    /** The cert-manager Certificate and the TLS Secret it writes. */
    certificate: 'istio-ingressgateway-tls',
  },
} as const;

/** Ports of the control plane, the proxies and the node agent. */
export const ISTIO_PORTS = {
  /** Plaintext xDS. */
  xds: 15010,
  /** xDS over mutual TLS and certificate signing: what every proxy connects to. */
  xdsTls: 15012,
  /** Admission webhooks (`/inject`, `/validate`) in the istiod container. */
  webhook: 15017,
  /** The Service port the API server calls the webhooks on. */
  webhookService: 443,
  monitoring: 15014,
  /** istiod readiness and debug endpoints; not exposed on the Service. */
  debug: 8080,
  proxy: {
    envoyPrometheus: 15090,
    health: 15021,
    agentStatus: 15020,
    outboundCapture: 15001,
    inboundCapture: 15006,
  },
  cni: { metrics: 15014, readiness: 8000 },
  gateway: { http: 80, https: 443, status: 15021 },
} as const;

/** `<base>-<revision>` for a named revision, `<base>` for the default revision. */
export function revisioned(base: string, revision?: string): string {
  return revision ? `${base}-${revision}` : base;
}

/** The names of one control plane (a revision in a namespace). */
export interface ControlPlaneNames {
  /** Deployment, Service, ServiceAccount and Role of istiod. */
  readonly istiod: string;
  readonly meshConfigMap: string;
  readonly injectorConfigMap: string;
  readonly injectorWebhook: string;
  readonly validatorWebhook: string;
  readonly clusterRole: string;
  /** `host:port` of the xDS and CA endpoint that proxies connect to. */
  readonly discoveryAddress: string;
  /** The `istio.io/rev` value: the revision, or `default`. */
  readonly revisionLabel: string;
}

export function controlPlaneNames(namespace: string, revision?: string): ControlPlaneNames {
  const istiod = revisioned(ISTIO_NAMES.istiod, revision);
  const injector = revisioned(ISTIO_NAMES.injectorWebhook, revision);
  return {
    istiod,
    meshConfigMap: revisioned(ISTIO_NAMES.meshConfigMap, revision),
    injectorConfigMap: revisioned(ISTIO_NAMES.injectorConfigMap, revision),
    injectorWebhook: namespace === 'istio-system' ? injector : `${injector}-${namespace}`,
    validatorWebhook: `${revisioned(ISTIO_NAMES.validatorWebhook, revision)}-${namespace}`,
    clusterRole: `${revisioned(ISTIO_NAMES.istiodClusterRole, revision)}-${namespace}`,
    discoveryAddress: `${istiod}.${namespace}.svc:${ISTIO_PORTS.xdsTls}`,
    revisionLabel: revision ?? 'default',
  };
}
