/** The Kubernetes minor version the platform targets and its Pod Security labels pin. */
export const KUBERNETES_VERSION = 'v1.34';
