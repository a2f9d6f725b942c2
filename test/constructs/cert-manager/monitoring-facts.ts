import { MetricFact } from '../../monitoring-checks';

/**
 * Metrics cert-manager v1.20.2 exports on 9402 `/metrics`, with where upstream defines them (the
 * `certmanager` prefix is the `namespace` constant of pkg/metrics/metrics.go).
 */
export const CERT_MANAGER_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  certmanager_certificate_expiration_timestamp_seconds: {
    source: 'internal/collectors/certificate_collector.go (certExpirationTimestampSeconds)',
  },
  certmanager_certificate_ready_status: {
    source:
      'internal/collectors/certificate_collector.go (certReadyStatusMetric; labels name, namespace, condition, issuer_*)',
  },
  certmanager_certificate_renewal_timestamp_seconds: {
    source: 'internal/collectors/certificate_collector.go (certRenewalTimestampSeconds)',
  },
  certmanager_controller_sync_error_count: {
    source: 'pkg/metrics/metrics.go (controllerSyncErrorCount)',
  },
};

/** Where each part serves metrics at v1.20.2 (plain HTTP unless `--metrics-tls-*` is set). */
export const CERT_MANAGER_METRICS_FACTS = {
  /** internal/apis/config/{controller,cainjector,webhook}/v1alpha1/defaults.go: defaultPrometheusMetricsServerAddress */
  listenAddress: '0.0.0.0:9402',
  /** pkg/metrics/metrics.go NewServer: the controller's handler path. */
  path: '/metrics',
  /** deploy/charts/cert-manager/templates/service.yaml: the controller Service's port name. */
  controllerServicePort: 'tcp-prometheus-servicemonitor',
} as const;
