import { MetricFact } from '../../monitoring-checks';

/**
 * Metrics of Istio 1.30.1 the alerts read. istiod's are registered through pkg/monitoring, which
 * exports without unit or counter suffixes (pkg/monitoring/monitoring.go: WithoutUnits,
 * WithoutCounterSuffixes), so the names are the registered ones; a distribution adds `_bucket`.
 * The gateway's `istio_*` series come from the proxy's stats filter (istio/proxy); 1.30.1's
 * istioctl queries them by these names.
 */
export const ISTIO_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  pilot_total_xds_rejects: { source: 'pkg/xds/monitoring.go (totalXDSRejects, label type)' },
  pilot_xds_pushes: {
    source: 'pilot/pkg/xds/monitoring.go (pushes, label type incl. cds_senderr ... rds_senderr)',
  },
  pilot_proxy_convergence_time_bucket: {
    source: 'pilot/pkg/xds/monitoring.go (proxiesConvergeDelay, a distribution: _bucket series)',
  },
  istio_requests_total: {
    source: 'istioctl/pkg/metrics/metrics.go (reqTot); label response_code',
  },
  istio_request_duration_milliseconds_bucket: {
    source: 'istioctl/pkg/metrics/metrics.go (reqDur, a histogram)',
  },
};

/** Where the metrics are served at 1.30.1. */
export const ISTIO_METRICS_FACTS = {
  /** The discovery container's `--monitoringAddr` (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml). */
  istiodPort: { name: 'http-monitoring', number: 15014, path: '/metrics' },
  /** Envoy's Prometheus listener (tools/packaging/common/envoy_bootstrap.json, port 15090). */
  envoyPort: { name: 'http-envoy-prom', number: 15090, path: '/stats/prometheus' },
} as const;
