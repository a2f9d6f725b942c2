import { Duration } from 'cdk8s';
import { goDuration } from '../../core/duration';
import { KUBEFLOW_API_ROUTES, OAUTH2_PROXY_DEFAULT_SCOPES } from '../defaults';
import { OAUTH2_PROXY_PORTS } from '../names';

/** The props the flags are made from. @internal */
export interface ArgsProps {
  readonly endpoints?: {
    readonly authorization: string;
    readonly token: string;
    readonly jwks: string;
  };
  readonly scopes?: readonly string[];
  readonly emailDomains?: readonly string[];
  readonly cookieName?: string;
  readonly cookieExpire?: Duration;
  readonly cookieRefresh?: Duration;
  readonly cookieCsrfExpire?: Duration;
  readonly apiRoutes?: readonly string[];
  readonly backendLogoutUrl?: string;
}

/** What the flags need besides the props. @internal */
export interface ArgsContext {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUrl: string;
  readonly logoutRedirect: string;
}

/** The proxy's flags. Secrets arrive only through env (`OAUTH2_PROXY_*`) or files. @internal */
export function proxyArgs(props: ArgsProps, ctx: ArgsContext): string[] {
  const e = props.endpoints;
  const absoluteLogout = /^https?:\/\//.test(ctx.logoutRedirect)
    ? new URL(ctx.logoutRedirect).host
    : undefined;
  return [
    `--http-address=0.0.0.0:${OAUTH2_PROXY_PORTS.http}`,
    `--metrics-address=0.0.0.0:${OAUTH2_PROXY_PORTS.metrics}`,
    '--provider=oidc',
    `--oidc-issuer-url=${ctx.issuer}`,
    ...(e
      ? [
          '--skip-oidc-discovery=true',
          `--login-url=${e.authorization}`,
          `--redeem-url=${e.token}`,
          `--oidc-jwks-url=${e.jwks}`,
        ]
      : []),
    `--client-id=${ctx.clientId}`,
    `--redirect-url=${ctx.redirectUrl}`,
    `--scope=${(props.scopes ?? OAUTH2_PROXY_DEFAULT_SCOPES).join(' ')}`,
    '--code-challenge-method=S256',
    // Without it the proxy sends approval_prompt=force and Dex shows its approval screen.
    '--approval-prompt=auto',
    ...(props.emailDomains ?? ['*']).map((d) => `--email-domain=${d}`),
    // An ext-authz check answers 200 on success; nothing is proxied.
    '--upstream=static://200',
    // No --reverse-proxy, so no X-Forwarded-* header is trusted and --trusted-proxy-ip (v7.15.2;
    // empty means every address) has nothing to decide. Behind Istio the proxy's only direct
    // caller is its own sidecar (127.0.0.6 or ::6, Istio's inbound bind address), for the
    // gateway's checks and for any client's /oauth2/ request alike, so an address list could not
    // tell the gateway from a client. Nor is one needed: an ext-authz check arrives with the
    // original Host and path, and the callback URL is absolute.
    `--cookie-name=${props.cookieName ?? 'oauth2_proxy_kubeflow'}`,
    '--cookie-secure=true',
    '--cookie-httponly=true',
    '--cookie-samesite=lax',
    `--cookie-expire=${goDuration(props.cookieExpire ?? Duration.hours(24))}`,
    ...(props.cookieRefresh ? [`--cookie-refresh=${goDuration(props.cookieRefresh)}`] : []),
    // Stated, not left to upstream's default: since v7.15.0 it bounds how long a login may take.
    `--cookie-csrf-expire=${goDuration(props.cookieCsrfExpire ?? Duration.minutes(15))}`,
    // The check response carries the ID token (for the gateway's RequestAuthentication) and the
    // X-Auth-Request-* headers.
    '--set-authorization-header=true',
    '--set-xauthrequest=true',
    ...(props.apiRoutes ?? KUBEFLOW_API_ROUTES).map((r) => `--api-route=${r}`),
    ...(absoluteLogout ? [`--whitelist-domain=${absoluteLogout}`] : []),
    ...(props.backendLogoutUrl ? [`--backend-logout-url=${props.backendLogoutUrl}`] : []),
    '--silence-ping-logging=true',
  ];
}
