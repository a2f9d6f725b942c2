/**
 * Names of oauth2-proxy objects that other components, users and Istio look up. The workload
 * names are upstream's (Kubeflow's `common/oauth2-proxy`).
 */
export const OAUTH2_PROXY_NAMES = {
  /** Deployment, ServiceAccount and Service. */
  oauth2Proxy: 'oauth2-proxy',
  container: 'oauth2-proxy',
  /** The ext-authz provider in the mesh config, named by the CUSTOM AuthorizationPolicy. */
  extensionProvider: 'oauth2-proxy',
  /** The VirtualService that routes `/oauth2/` from the gateway. */
  route: 'oauth2-proxy',
  /** The default client ID registered with the OIDC provider. */
  clientId: 'oauth2-proxy',
  /** The Secret with the cookie secret (key `cookieSecret`). */
  cookieSecret: 'oauth2-proxy-cookie-secret',
  /** AuthorizationPolicy in the proxy's namespace: only the gateway may call it. */
  authorizationPolicy: 'oauth2-proxy',
  /** Gateway AuthorizationPolicy (CUSTOM) that sends requests to the proxy. */
  extAuthzPolicy: 'oauth2-proxy-ext-authz',
  /** Gateway AuthorizationPolicy (DENY) that refuses requests without a verified token. */
  requireJwtPolicy: 'oauth2-proxy-require-jwt',
  /** Gateway RequestAuthentication that verifies the provider's (and machine) tokens. */
  requestAuthentication: 'oauth2-proxy-jwt',
  /** EnvoyFilter that drops client-sent identity headers before authentication. */
  stripIdentityHeaders: 'strip-identity-headers',
} as const;

/** Ports, by the names the container gives them. */
export const OAUTH2_PROXY_PORTS = {
  /** Sign-in, callback, sign-out and the ext-authz check (`http`). */
  http: 4180,
  /** Prometheus metrics (`metrics`); not reachable from outside the pod. */
  metrics: 44180,
  /** The Service port the gateway and the ext-authz provider use. */
  service: 80,
} as const;

/** oauth2-proxy's path prefix (`--proxy-prefix`, upstream's default). */
export const OAUTH2_PROXY_PATH = '/oauth2';

/** Key of the cookie secret in its Secret. */
export const COOKIE_SECRET_KEY = 'cookieSecret';

/** Characters of a generated cookie secret: the base64url length of a 32-byte key. */
export const COOKIE_SECRET_LENGTH = 43;

/** Key of the client secret in the Secret the provider binds (`OidcClient.secret`). */
export const CLIENT_SECRET_KEY = 'clientSecret';
