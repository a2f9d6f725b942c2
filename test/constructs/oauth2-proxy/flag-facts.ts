/**
 * The oauth2-proxy v7.15.2 flags the construct can pass or deliberately leaves out, with
 * upstream's default, written down from `pkg/apis/options/{options,legacy_options,cookie,logging}.go`
 * at the tag. None was renamed or removed since v7.14.3; `--trusted-proxy-ip` is new in v7.15.2,
 * `--cookie-csrf-expire` has existed before but only bounds the CSRF cookie since v7.15.0.
 * The construct's flags are checked against this table, not against themselves.
 */
export interface ProxyFlagFact {
  /** Upstream's default, as the flag set declares it. */
  readonly upstreamDefault: string;
  /** Why we leave the flag out, for flags the construct never passes. */
  readonly leftOut?: string;
}

export const OAUTH2_PROXY_FLAGS: Readonly<Record<string, ProxyFlagFact>> = {
  'http-address': { upstreamDefault: '127.0.0.1:4180' },
  'metrics-address': { upstreamDefault: '' },
  provider: { upstreamDefault: 'google' },
  'oidc-issuer-url': { upstreamDefault: '' },
  'skip-oidc-discovery': { upstreamDefault: 'false' },
  'login-url': { upstreamDefault: '' },
  'redeem-url': { upstreamDefault: '' },
  'oidc-jwks-url': { upstreamDefault: '' },
  'client-id': { upstreamDefault: '' },
  'redirect-url': { upstreamDefault: '' },
  scope: { upstreamDefault: '' },
  'code-challenge-method': { upstreamDefault: '' },
  'approval-prompt': { upstreamDefault: 'force' },
  'email-domain': { upstreamDefault: '[]' },
  upstream: { upstreamDefault: '[]' },
  'cookie-name': { upstreamDefault: '_oauth2_proxy' },
  'cookie-secure': { upstreamDefault: 'true' },
  'cookie-httponly': { upstreamDefault: 'true' },
  'cookie-samesite': { upstreamDefault: '' },
  'cookie-expire': { upstreamDefault: '168h' },
  'cookie-refresh': { upstreamDefault: '0' },
  'cookie-csrf-expire': { upstreamDefault: '15m' },
  'set-authorization-header': { upstreamDefault: 'false' },
  'set-xauthrequest': { upstreamDefault: 'false' },
  'api-route': { upstreamDefault: '[]' },
  'whitelist-domain': { upstreamDefault: '[]' },
  'backend-logout-url': { upstreamDefault: '' },
  'silence-ping-logging': { upstreamDefault: 'false' },
  'reverse-proxy': {
    upstreamDefault: 'false',
    leftOut: 'X-Forwarded-* would be trusted from the sidecar, i.e. from any client',
  },
  'trusted-proxy-ip': {
    upstreamDefault: '[] (every address, when --reverse-proxy is set)',
    leftOut: 'applies only with --reverse-proxy',
  },
  'skip-jwt-bearer-tokens': {
    upstreamDefault: 'false',
    leftOut: 'bearer requests are verified at the gateway and never reach the proxy',
  },
  'extra-jwt-issuers': { upstreamDefault: '[]', leftOut: 'as skip-jwt-bearer-tokens' },
  'ssl-insecure-skip-verify': { upstreamDefault: 'false', leftOut: 'never skip TLS checks' },
};

/**
 * Secrets reach oauth2-proxy as environment variables: `OAUTH2_PROXY_` and the option's config
 * name in capitals (`client_secret`, `cookie_secret`), read instead of the flag.
 */
export const OAUTH2_PROXY_SECRET_ENV = ['OAUTH2_PROXY_CLIENT_SECRET', 'OAUTH2_PROXY_COOKIE_SECRET'];
