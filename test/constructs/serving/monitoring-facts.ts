/**
 * The metrics serving's alerts and dashboard may read, with where each is exported at the pinned
 * versions. A test fails when an alert or a panel names a metric that is not here.
 */
export const SERVING_METRIC_FACTS: Readonly<Record<string, string>> = {
  // Istio 1.30.1 standard metrics, emitted by every sidecar's Envoy (reporter "source" on the
  // caller's side, "destination" on the callee's); Istio's own dashboards read them
  // (manifests/addons/dashboards/lib/queries.libsonnet, istio-workload-dashboard.json).
  istio_requests_total: 'istio 1.30.1 manifests/addons/dashboards/lib/queries.libsonnet',
  istio_request_duration_milliseconds_bucket:
    'istio 1.30.1 manifests/addons/dashboards/lib/queries.libsonnet',
  // A histogram (istio_request_bytes_bucket in istio-workload-dashboard.json); _sum is its total.
  istio_request_bytes_sum: 'istio 1.30.1 manifests/addons/dashboards/istio-workload-dashboard.json',
  // KServe v0.18.0 builds on controller-runtime v0.19.7 (go.mod replace); its manager registers
  // no metrics of its own (no prometheus collectors under pkg/ or cmd/).
  controller_runtime_reconcile_errors_total:
    'controller-runtime v0.19.7 pkg/internal/controller/metrics/metrics.go',
  controller_runtime_reconcile_total:
    'controller-runtime v0.19.7 pkg/internal/controller/metrics/metrics.go',
  // Synthesized by Prometheus for every target.
  up: 'Prometheus',
  // The sidecar agent's failed reads of the app's metrics (merged targets' down alerts).
  istio_agent_scrape_failures_total: 'istio 1.30.1 pilot/cmd/pilot-agent/metrics/metrics.go',
};

/** Ports and labels the scrape targets rely on. */
export const SERVING_SCRAPE_FACTS = {
  /** istio 1.30.1 manifests/charts/istio-control/istio-discovery/files/injection-template.yaml */
  envoyStatsPort: { name: 'http-envoy-prom', number: 15090 },
  /**
   * Not captured by the sidecar's redirect (istio 1.30.1 cni/pkg/plugin/sidecar_redirect.go
   * excludes 15020,15021,15090 inbound), so Prometheus outside the mesh reads it in plain HTTP.
   */
  envoyStatsPath: '/stats/prometheus',
  /** kserve v0.18.0 pkg/constants/constants.go InferenceServicePodLabelKey; components/predictor.go. */
  inferenceServicePodLabel: 'serving.kserve.io/inferenceservice',
  /** Knative 1.22.0 config/core/deployments/*.yaml: container port `metrics` 9090. */
  knativeMetricsPort: { name: 'metrics', number: 9090 },
  /** kserve config/default/manager_auth_proxy_patch.yaml: kube-rbac-proxy `https` 8443. */
  kserveMetricsPort: { name: 'https', number: 8443 },
} as const;

/**
 * Labels of Istio's standard request metrics the queries filter and group on (istio 1.30.1
 * tests/integration/telemetry/api/stats_test.go expects them on istio_requests_total;
 * source_canonical_service is the source side of destination_canonical_service, and the
 * dashboards under manifests/addons/dashboards group by destination_workload, response_code,
 * destination_service), plus the labels Prometheus and the Prometheus Operator add (job,
 * namespace) and histogram buckets' `le`.
 */
export const SERVING_LABEL_FACTS: readonly string[] = [
  'reporter',
  'response_code',
  'source_workload',
  'destination_workload',
  'destination_service',
  'destination_canonical_service',
  'source_canonical_service',
  'controller',
  'job',
  'namespace',
  'le',
  // istio_agent_scrape_failures_total's (istio 1.30.1 pilot/cmd/pilot-agent/metrics/metrics.go).
  'type',
];
