import { MetricFact } from '../../monitoring-checks';

/**
 * Metrics oauth2-proxy v7.15.2 serves on `--metrics-address` (oauthproxy.go: the metrics server's
 * handler is middleware.DefaultMetricsHandler, the default Prometheus registry).
 */
export const OAUTH2_PROXY_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  oauth2_proxy_requests_total: {
    source: 'pkg/middleware/metrics.go (registerRequestsCounter; label code)',
  },
  oauth2_proxy_requests_in_flight: {
    source: 'pkg/middleware/metrics.go (registerInflightRequestsGauge)',
  },
  oauth2_proxy_response_duration_seconds_bucket: {
    source: 'pkg/middleware/metrics.go (registerRequestsLatencyHistogram; label method)',
  },
  process_start_time_seconds: {
    source:
      "client_golang's default registry, which registers the process collector at init (pkg/middleware/metrics.go: NewMetricsHandlerWithDefaultRegistry)",
  },
};

/** v7.15.2 has no `oauth2_proxy_authentication_attempts_total`; a test keeps it out. */
export const NOT_EXPORTED = ['oauth2_proxy_authentication_attempts_total'];
