import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { DEX_NAMES, DEX_PORTS } from './names';

/** Share of Dex's responses that may be 5xx before `DexErrorsHigh` fires (5 %). */
export const DEX_5XX_RATIO = 0.05;

/** @internal */
export interface DexMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly deployment: ApiObject;
}

/**
 * Dex serves Prometheus metrics on its telemetry port (5558 `/metrics`). Its pods carry a sidecar
 * and mesh-wide mTLS is STRICT, so Prometheus reads them merged by the sidecar (15020): the
 * merged endpoint answers while Dex itself is down, so "down" is the absence of Dex's own
 * `dex_build_info`, not `up`.
 * @internal
 */
export function addDexMonitoring(scope: Construct, opts: DexMonitoringOptions): void {
  const { monitoring, namespace } = opts;
  const job = monitoring.scrape(scope, {
    id: DEX_NAMES.dex,
    namespace,
    podLabels: opts.podLabels,
    port: { name: 'telemetry', number: DEX_PORTS.telemetry },
    path: '/metrics',
    meshed: { workload: opts.deployment },
    description: 'Dex: HTTP requests by handler and code, build info',
  });
  const ns = namespace.name;
  const dex = DEX_NAMES.dex;
  const percent = Math.round(DEX_5XX_RATIO * 100);
  monitoring.addAlerts(scope, {
    id: 'dex',
    namespace: ns,
    component: 'dex',
    alerts: [
      {
        name: 'DexDown',
        expr: `(sum(dex_build_info{${job.selector}}) or vector(0)) == 0`,
        for: '5m',
        severity: 'critical',
        summary: 'Dex is down: nobody can log in to the platform.',
        description:
          'No Dex pod reports metrics. Users without a session cannot log in, and the gateway ' +
          'cannot refresh the signing keys it verifies tokens with.',
        runbook:
          `\`kubectl -n ${ns} get pods -l app.kubernetes.io/name=dex\` and \`kubectl -n ${ns} ` +
          `describe deployment ${dex}\` show the pods' state; \`kubectl -n ${ns} logs ` +
          `deployment/${dex} -c ${DEX_NAMES.container}\` names a startup error (an invalid ` +
          `config in ConfigMap ${dex}, a connector whose Secret is missing, no access to its ` +
          'storage resources in the namespace). Pods that run but are not ready often wait for ' +
          'their sidecar: `kubectl -n ' +
          ns +
          ` logs deployment/${dex} -c istio-proxy\`.`,
        metrics: ['dex_build_info'],
      },
      {
        name: 'DexErrorsHigh',
        expr:
          `sum(rate(http_requests_total{${job.selector},code=~"5.."}[5m])) / ` +
          `sum(rate(http_requests_total{${job.selector}}[5m])) > ${DEX_5XX_RATIO}`,
        for: '10m',
        severity: 'warning',
        summary: `More than ${percent} % of Dex's responses are server errors.`,
        description:
          'Logins or token requests fail: an upstream identity provider (connector) that does ' +
          'not answer or refuses the client, or storage errors.',
        runbook:
          'See which handler fails: `sum by (handler, code) (rate(http_requests_total{job="' +
          dex +
          `",code=~"5.."}[5m]))\`. Errors on /callback point at a connector: \`kubectl -n ${ns} ` +
          `logs deployment/${dex} -c ${DEX_NAMES.container}\` shows the provider's answer ` +
          '(an expired client secret, a changed redirect URI, an LDAP server out of reach). ' +
          'Errors on /token or /auth with storage messages point at the API server or at ' +
          `Dex's RBAC in ${ns}.`,
        metrics: ['http_requests_total'],
      },
    ],
  });
}
