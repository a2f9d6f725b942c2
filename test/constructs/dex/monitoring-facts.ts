import { MetricFact } from '../../monitoring-checks';

/** Metrics Dex v2.45.1 serves on its telemetry listener (cmd/dex/serve.go: `/metrics` on `telemetry.http`). */
export const DEX_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  dex_build_info: {
    source: 'cmd/dex/serve.go (buildInfo: namespace dex, name build_info; registered at start)',
  },
  http_requests_total: {
    source: 'server/server.go (requestCounter; labels code, method, handler)',
  },
  request_duration_seconds_bucket: {
    source: 'server/server.go (durationHist, a histogram; labels code, method, handler)',
  },
  process_start_time_seconds: {
    source: 'cmd/dex/serve.go (collectors.NewProcessCollector on the Prometheus registry)',
  },
};

/** Dex v2.45.1: the telemetry router serves `/metrics` (cmd/dex/serve.go, telemetryRouter). */
export const DEX_METRICS_PATH = '/metrics';
