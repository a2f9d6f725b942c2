/**
 * Istio's security API (AuthorizationPolicy, PeerAuthentication, RequestAuthentication), as the
 * components that write mesh policy for themselves name it. It is the storage version of those
 * CRDs in the pinned Istio release (the mesh component's CRD data; a test keeps the two equal).
 */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';

/**
 * Pod annotation: start the application only once its sidecar is ready, for applications that
 * call out as soon as they start (to the API server, to an identity provider).
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig
 */
export const HOLD_UNTIL_PROXY_STARTS = {
  'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
} as const;
