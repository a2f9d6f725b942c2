import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { OAUTH2_PROXY_NAMES, OAUTH2_PROXY_PORTS } from './names';

/** Share of the proxy's responses that may be 5xx before `OAuth2ProxyErrorsHigh` fires (5 %). */
export const OAUTH2_PROXY_5XX_RATIO = 0.05;

/** @internal */
export interface OAuth2ProxyMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly deployment: ApiObject;
}

/**
 * oauth2-proxy serves metrics on `--metrics-address` (44180 `/metrics`). The pods are meshed, so
 * Prometheus reads them merged by the sidecar; "down" is the absence of the proxy's own process
 * metrics (the sidecar's own are prefixed `istio_agent_`), since the merged endpoint answers while
 * the proxy is gone. oauth2-proxy 7.15 has no login-attempt counter: failed logins end in
 * responses by code, and the server errors among them are what the alert reads.
 * @internal
 */
export function addOAuth2ProxyMonitoring(
  scope: Construct,
  opts: OAuth2ProxyMonitoringOptions,
): void {
  const { monitoring, namespace } = opts;
  const job = monitoring.scrape(scope, {
    id: OAUTH2_PROXY_NAMES.oauth2Proxy,
    namespace,
    podLabels: opts.podLabels,
    port: { name: 'metrics', number: OAUTH2_PROXY_PORTS.metrics },
    path: '/metrics',
    meshed: { workload: opts.deployment },
    description: 'oauth2-proxy: requests by response code, latency, in-flight requests',
  });
  const ns = namespace.name;
  const name = OAUTH2_PROXY_NAMES.oauth2Proxy;
  const container = OAUTH2_PROXY_NAMES.container;
  const percent = Math.round(OAUTH2_PROXY_5XX_RATIO * 100);
  monitoring.addAlerts(scope, {
    id: 'oauth2-proxy',
    namespace: ns,
    component: 'oauth2-proxy',
    alerts: [
      {
        name: 'OAuth2ProxyDown',
        expr: `(sum(process_start_time_seconds{${job.selector}}) or vector(0)) == 0`,
        for: '5m',
        severity: 'critical',
        summary: 'oauth2-proxy is down: every request through the gateway is refused.',
        description:
          'The gateway asks oauth2-proxy (ext-authz) about every request that carries no ' +
          'token it can verify itself; without it users cannot log in or use their session.',
        runbook:
          `\`kubectl -n ${ns} get pods\` and \`kubectl -n ${ns} describe deployment ${name}\` ` +
          `show the state; \`kubectl -n ${ns} logs deployment/${name} -c ${container}\` names ` +
          "a startup error: the provider's discovery document out of reach (is Dex up?), a " +
          `missing client or cookie Secret (\`kubectl -n ${ns} get secrets\`). Pods that run ` +
          `but are not ready often wait for the sidecar (\`-c istio-proxy\`).`,
        metrics: ['process_start_time_seconds'],
      },
      {
        name: 'OAuth2ProxyErrorsHigh',
        expr:
          `sum(rate(oauth2_proxy_requests_total{${job.selector},code=~"5.."}[5m])) / ` +
          `sum(rate(oauth2_proxy_requests_total{${job.selector}}[5m])) > ${OAUTH2_PROXY_5XX_RATIO}`,
        for: '10m',
        severity: 'warning',
        summary: `More than ${percent} % of oauth2-proxy's responses are server errors.`,
        description:
          'Logins fail: the proxy cannot redeem codes or refresh sessions with the identity ' +
          'provider, or cannot verify its tokens.',
        runbook:
          `\`kubectl -n ${ns} logs deployment/${name} -c ${container}\` shows the failing ` +
          'step (code redemption, token verification, session refresh) and the answer of the ' +
          "provider. Check the provider first (DexDown, DexErrorsHigh, or the organisation's " +
          'OIDC provider), then the client secret the proxy uses against the one the provider ' +
          'knows, and clocks (an `iat` in the future).',
        metrics: ['oauth2_proxy_requests_total'],
      },
    ],
  });
}
