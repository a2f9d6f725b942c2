/** Istio's security API (AuthorizationPolicy, PeerAuthentication, RequestAuthentication). @internal */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1';

/** Pod annotation: start the app only once the sidecar is ready (Dex talks to the API server at once). @internal */
export const HOLD_UNTIL_PROXY_STARTS = {
  'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
} as const;
