/** Istio's security API. @internal */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';
