import { Duration } from 'cdk8s';
import { durationProblem } from '../../core/duration';
import { IOidcProvider } from '../../core/identity';
import { gatewayHostProblem } from '../../core/gateway-exposure';
import { IGateway } from '../../core/mesh';
import { PublicPath } from '../gateway-auth';
import { MachineToMachine } from '../machine-to-machine';
import { isHttpUrl, isHttpsUrl } from '../../core/validation';

/** What the proxy's props are checked on. @internal */
export interface ProxyValidationInput {
  readonly provider: IOidcProvider;
  readonly gateway: IGateway;
  readonly endpoints?: {
    readonly authorization: string;
    readonly token: string;
    readonly jwks: string;
  };
  readonly host?: string;
  readonly clientId?: string;
  readonly cookieName?: string;
  readonly cookieExpire?: Duration;
  readonly cookieRefresh?: Duration;
  readonly cookieCsrfExpire?: Duration;
  readonly scopes?: readonly string[];
  readonly emailDomains?: readonly string[];
  readonly publicPaths?: readonly PublicPath[];
  readonly identityClaim?: string;
  readonly groupsClaim?: string;
  readonly machineToMachine?: MachineToMachine;
  readonly logoutRedirect?: string;
  readonly backendLogoutUrl?: string;
  readonly replicas?: number;
}

/** An Istio path: exact, a `*` prefix match or a `*` suffix match. */
const ISTIO_PATH = /^(\*[^*\s]*|\/[^*\s]*\*?)$/;
const CLAIM = /^[A-Za-z0-9_.:-]+$/;

/** Every problem with the proxy's props, each starting with the path in backticks. @internal */
export function validateProxy(p: ProxyValidationInput): string[] {
  const problems: string[] = [];
  const hosts = p.gateway.hosts;
  if (hosts.length === 0) {
    problems.push(
      "`gateway.hosts` is empty (got []). The proxy's callback is https://<host>/oauth2/callback; give the gateway a host.",
    );
  }
  const hostProblem = p.host !== undefined && gatewayHostProblem('host', p.host, p.gateway);
  if (hostProblem) problems.push(hostProblem);
  if (!isHttpsUrl(p.provider.issuerUrl)) {
    problems.push(
      `\`provider.issuerUrl\` is not an https URL (got "${p.provider.issuerUrl}"). Cookies are secure only behind https.`,
    );
  }
  if (p.endpoints) {
    for (const key of ['authorization', 'token', 'jwks'] as const) {
      if (!isHttpUrl(p.endpoints[key])) {
        problems.push(`\`endpoints.${key}\` is not a URL (got "${p.endpoints[key]}").`);
      }
    }
  }
  if (p.clientId !== undefined && (!p.clientId.trim() || /\s/.test(p.clientId))) {
    problems.push(
      `\`clientId\` is empty or has spaces (got "${p.clientId}"). Use an ID such as oauth2-proxy.`,
    );
  }
  if (p.cookieName !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.cookieName)) {
    problems.push(
      `\`cookieName\` is not a cookie name (got "${p.cookieName}"). Use letters, digits, '_' and '-'.`,
    );
  }
  const expire = (p.cookieExpire ?? Duration.hours(24)).toMilliseconds() / 1000;
  const expireProblem = durationProblem('cookieExpire', p.cookieExpire);
  if (expireProblem) problems.push(expireProblem);
  if (p.cookieRefresh !== undefined) {
    const refresh = p.cookieRefresh.toMilliseconds() / 1000;
    if (!Number.isInteger(refresh) || refresh <= 0 || refresh >= expire) {
      problems.push(
        `\`cookieRefresh\` must be a positive whole number of seconds below cookieExpire (got ${refresh}s, cookieExpire ${expire}s).`,
      );
    }
  }
  const csrfProblem = durationProblem(
    'cookieCsrfExpire',
    p.cookieCsrfExpire,
    'Use a duration such as Duration.minutes(15).',
  );
  if (csrfProblem) problems.push(csrfProblem);
  if (p.scopes !== undefined && !p.scopes.includes('openid')) {
    problems.push(
      `\`scopes\` lacks openid (got ${p.scopes.join(' ') || 'none'}). Without it there is no ID token for the gateway to verify.`,
    );
  }
  if (p.emailDomains !== undefined && p.emailDomains.length === 0) {
    problems.push('`emailDomains` is empty (got []). Use ["*"] to let the provider decide.');
  }
  (p.publicPaths ?? []).forEach((pp, i) => {
    if (!ISTIO_PATH.test(pp.path)) {
      problems.push(
        `\`publicPaths[${i}].path\` is not an Istio path (got "${pp.path}"). Use an exact path, /prefix/* or *suffix.`,
      );
    }
    if (!pp.reason.trim()) {
      problems.push(
        `\`publicPaths[${i}].reason\` is empty (got "${pp.reason}"). Say why the path needs no login.`,
      );
    }
  });
  for (const [path, claim] of [
    ['identityClaim', p.identityClaim],
    ['groupsClaim', p.groupsClaim],
  ] as const) {
    if (claim !== undefined && !CLAIM.test(claim)) {
      problems.push(`\`${path}\` is not a claim name (got "${claim}"). Use a claim such as email.`);
    }
  }
  problems.push(...(p.machineToMachine?.problems() ?? []));
  const rd = p.logoutRedirect;
  if (rd !== undefined && !(rd.startsWith('/') && !rd.startsWith('//')) && !isHttpsUrl(rd)) {
    problems.push(
      `\`logoutRedirect\` is neither a path nor an https URL (got "${rd}"). Use / or the provider's end-session URL.`,
    );
  }
  if (
    p.backendLogoutUrl !== undefined &&
    !isHttpUrl(p.backendLogoutUrl.replace('{id_token}', 'x'))
  ) {
    problems.push(`\`backendLogoutUrl\` is not a URL (got "${p.backendLogoutUrl}").`);
  }
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 1)) {
    problems.push(
      `\`replicas\` is not a whole number of at least 1 (got ${p.replicas}). Use 2 for availability.`,
    );
  }
  return problems;
}
