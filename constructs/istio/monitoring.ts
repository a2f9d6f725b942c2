import { Construct } from 'constructs';
import { Alert, IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { ISTIO_NAMES, ISTIO_PORTS } from './names';
import { PROXY_PROMETHEUS_PORT } from './proxy';

/**
 * Share of the ingress gateway's responses that may be 5xx before `IstioIngressGateway5xxRatioHigh`
 * fires (5 %).
 */
export const ISTIO_GATEWAY_5XX_RATIO = 0.05;

/** @internal */
export interface IstioMonitoringOptions {
  readonly monitoring: IMonitoring;
  /** istiod: its namespace, Deployment name (the job) and pod selector. */
  readonly istiod: {
    readonly namespace: INamespace;
    readonly name: string;
    readonly selector: Readonly<Record<string, string>>;
  };
  /** The ingress gateway: its namespace and pod selector. */
  readonly gateway: {
    readonly namespace: INamespace;
    readonly selector: Readonly<Record<string, string>>;
  };
}

/**
 * Prometheus scrapes istiod on `http-monitoring` (15014 `/metrics`, the `--monitoringAddr` of the
 * discovery container) and the ingress gateway's Envoy on `http-envoy-prom` (15090
 * `/stats/prometheus`, where Envoy serves its own and Istio's standard metrics). Neither pod has
 * a sidecar (istio-system is outside the mesh), so both are scraped on the container port.
 * Sidecar injection failures are the monitoring component's generic alert.
 * @internal
 */
export function addIstioMonitoring(scope: Construct, opts: IstioMonitoringOptions): void {
  const { monitoring } = opts;
  const istiod = monitoring.scrape(scope, {
    id: opts.istiod.name,
    namespace: opts.istiod.namespace,
    podLabels: opts.istiod.selector,
    port: { name: 'http-monitoring', number: ISTIO_PORTS.monitoring },
    path: '/metrics',
    description: 'istiod: xDS pushes, rejected config, proxy convergence, webhooks',
  });
  const gatewayName = ISTIO_NAMES.gateway.workload;
  const gateway = monitoring.scrape(scope, {
    id: gatewayName,
    namespace: opts.gateway.namespace,
    podLabels: opts.gateway.selector,
    port: {
      name: PROXY_PROMETHEUS_PORT.name ?? 'http-envoy-prom',
      number: ISTIO_PORTS.proxy.envoyPrometheus,
    },
    path: '/stats/prometheus',
    description: 'Istio ingress gateway (Envoy): requests, response codes and latency of users',
  });
  const ns = opts.istiod.namespace.name;
  const gwNs = opts.gateway.namespace.name;
  const istiodName = opts.istiod.name;
  const percent = Math.round(ISTIO_GATEWAY_5XX_RATIO * 100);

  const alerts: Alert[] = [
    {
      name: 'IstiodDown',
      expr: istiod.down,
      for: '5m',
      severity: 'critical',
      summary: 'istiod is down: the mesh gets no configuration, certificates or injection.',
      description:
        'No istiod answers Prometheus. Running proxies keep their last configuration, but new ' +
        'pods are not injected (the injection webhook fails), changes to routes and policies ' +
        'do not reach the proxies, and workload certificates are not renewed (they expire ' +
        'within a day).',
      runbook:
        `\`kubectl -n ${ns} get pods -l app=istiod\` and \`kubectl -n ${ns} describe deployment ` +
        `${istiodName}\` show whether pods are pending, crash or are not ready; \`kubectl -n ${ns} ` +
        `logs deployment/${istiodName}\` names the cause (a CA Secret it cannot read, an invalid ` +
        `mesh ConfigMap \`${ISTIO_NAMES.meshConfigMap}\`, the API server out of reach). istiod ` +
        'tolerates nodes whose CNI agent is not ready, so a node problem alone does not stop ' +
        'it. Once it runs, `istioctl proxy-status` shows every proxy SYNCED again.',
      metrics: ['up'],
    },
    {
      name: 'IstioConfigRejected',
      // A type's first rejection creates its series at 1, which `increase` cannot see: a series
      // that is new in the window counts too.
      expr: `sum by (type) (increase(pilot_total_xds_rejects{${istiod.selector}}[10m])) > 0 or count by (type) (pilot_total_xds_rejects{${istiod.selector}} unless pilot_total_xds_rejects{${istiod.selector}} offset 10m) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Proxies reject {{ $labels.type }} configuration from istiod.',
      description:
        'Envoy refused configuration istiod pushed (a NACK): the affected proxies keep the ' +
        'configuration before the change, so a new route, policy or EnvoyFilter does not take ' +
        'effect for them.',
      runbook:
        '`istioctl proxy-status` lists the proxies that are not SYNCED; ' +
        `\`kubectl -n ${ns} logs deployment/${istiodName} | grep -i nack\` names the rejected ` +
        "resource and Envoy's reason. The usual cause is an EnvoyFilter or a VirtualService " +
        'that Envoy cannot load (an invalid regex, a duplicate route name); `istioctl analyze -A` ' +
        'points at invalid resources. Fix or delete the resource and the rejects stop.',
      metrics: ['pilot_total_xds_rejects'],
    },
    {
      name: 'IstioXdsPushErrors',
      expr: `sum by (type) (increase(pilot_xds_pushes{${istiod.selector},type=~".+_senderr"}[10m])) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'istiod fails to send {{ $labels.type }} configuration to proxies.',
      description:
        'istiod could not deliver pushes to connected proxies for 15 minutes; those proxies run ' +
        'on outdated routes and endpoints.',
      runbook:
        `Check istiod's resources (\`kubectl -n ${ns} top pods -l app=istiod\`; CPU throttling ` +
        `slows pushes) and its log (\`kubectl -n ${ns} logs deployment/${istiodName}\`) for send ` +
        'timeouts. Many proxies per istiod call for more istiod replicas (its autoscaler); ' +
        'proxies on nodes with a broken network show as disconnected in `istioctl proxy-status`.',
      metrics: ['pilot_xds_pushes'],
    },
    {
      name: 'IstioProxyConvergenceSlow',
      expr: `histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket{${istiod.selector}}[10m]))) > 10`,
      for: '15m',
      severity: 'warning',
      summary: 'Configuration takes more than 10 s to reach 99 % of the proxies.',
      description:
        'The time from a configuration change to a proxy having all of it is long: new ' +
        'services, routes and endpoints reach traffic late, and rolling updates drop requests ' +
        'to pods that are already gone.',
      runbook:
        `Look at istiod's CPU and memory (\`kubectl -n ${ns} top pods -l app=istiod\`) and ` +
        `its replicas (\`kubectl -n ${ns} get hpa\`); a burst of changes (many pods restarting, a ` +
        'controller rewriting resources in a loop) shows in `pilot_push_triggers` and in ' +
        "istiod's log. Raise istiod's resources or replicas, or find the object that changes " +
        'all the time.',
      metrics: ['pilot_proxy_convergence_time_bucket'],
    },
    {
      name: 'IstioIngressGatewayDown',
      expr: gateway.down,
      for: '5m',
      severity: 'critical',
      summary: 'The ingress gateway is down: users cannot reach the platform.',
      description:
        'No ingress gateway pod answers Prometheus. Every user request to the platform ' +
        '(dashboard, login, notebooks, model endpoints) enters through it.',
      runbook:
        `\`kubectl -n ${gwNs} get pods -l istio=${ISTIO_NAMES.gateway.istioLabel}\` and ` +
        `\`kubectl -n ${gwNs} describe deployment ${gatewayName}\` show the state; a gateway ` +
        `that is not ready usually cannot reach istiod (\`kubectl -n ${gwNs} logs ` +
        `deployment/${gatewayName}\` shows xDS connection errors) or lacks its TLS Secret ` +
        `\`${ISTIO_NAMES.gateway.certificate}\` (\`kubectl -n ${gwNs} describe certificate ` +
        `${ISTIO_NAMES.gateway.certificate}\`). Fix istiod first if IstiodDown fires too.`,
      metrics: ['up'],
    },
    {
      name: 'IstioIngressGateway5xxRatioHigh',
      expr:
        `sum(rate(istio_requests_total{${gateway.selector},response_code=~"5.."}[5m])) / ` +
        `sum(rate(istio_requests_total{${gateway.selector}}[5m])) > ${ISTIO_GATEWAY_5XX_RATIO}`,
      for: '10m',
      severity: 'critical',
      summary: `More than ${percent} % of the requests through the ingress gateway fail with 5xx.`,
      description:
        'Users see server errors. The gateway reports 5xx when a backend fails, is not ready ' +
        '(503, no healthy upstream), times out (504) or when the auth proxy behind ext-authz ' +
        'fails.',
      runbook:
        'Find which backend fails: `sum by (destination_service_name, response_code) ' +
        `(rate(istio_requests_total{job="${gatewayName}",response_code=~"5.."}[5m]))\` in ` +
        `Prometheus, or \`kubectl -n ${gwNs} logs deployment/${gatewayName}\` with access ` +
        "logging on. Then look at that service's pods (`kubectl -n <namespace> get pods`, their " +
        'logs and readiness). When every route fails, check the auth proxy ' +
        '(`kubectl -n oauth2-proxy get pods`) and `istioctl proxy-config routes ' +
        `deployment/${gatewayName} -n ${gwNs}\`.`,
      metrics: ['istio_requests_total'],
    },
  ];
  monitoring.addAlerts(scope, { id: 'istio', namespace: ns, component: 'istio', alerts });
}
