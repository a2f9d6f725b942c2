/**
 * Names of the platform's namespaces. Other components and users look these up, so they are
 * fixed here and nowhere else.
 */
export const PLATFORM_NAMESPACES = {
  certManager: 'cert-manager',
  istio: 'istio-system',
  istioCni: 'istio-cni',
  dex: 'auth',
  oauth2Proxy: 'oauth2-proxy',
  kubeflow: 'kubeflow',
  objectStore: 'minio',
  knativeServing: 'knative-serving',
  kserve: 'kserve',
} as const;

/** Label on every tenant namespace, with the tenant's name as value. */
export const TENANT_LABEL = 'mlops-blueprint.dev/tenant';
