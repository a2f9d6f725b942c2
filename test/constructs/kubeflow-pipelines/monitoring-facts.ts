/**
 * Metric names Kubeflow Pipelines 2.16.1 and Argo Workflows v3.7.3 export, read at the tags,
 * with where each is defined.
 */
export const KFP_EXPORTED_METRICS: Readonly<Record<string, string>> = {
  // backend/src/apiserver/server/run_server.go (promauto.NewCounter / NewGauge)
  run_server_create_requests: 'backend/src/apiserver/server/run_server.go',
  run_server_run_count: 'backend/src/apiserver/server/run_server.go',
  // backend/src/apiserver/resource/resource_manager.go (NewGaugeVec with profile, workflow)
  resource_manager_workflow_runs_success: 'backend/src/apiserver/resource/resource_manager.go',
  resource_manager_workflow_runs_failed: 'backend/src/apiserver/resource/resource_manager.go',
  resource_manager_recurring_run_report_gap: 'backend/src/apiserver/resource/resource_manager.go',
  // backend/src/crd/controller/scheduledworkflow/controller.go
  scheduled_workflow_queue_size: 'backend/src/crd/controller/scheduledworkflow/controller.go',
  // The sidecar agent's failed reads of the app (merged targets' down alerts): istio 1.30.1
  // pilot/cmd/pilot-agent/metrics/metrics.go, prefixed istio_agent_ in status/server.go.
  istio_agent_scrape_failures_total: 'istio 1.30.1 pilot/cmd/pilot-agent/metrics/metrics.go',
};

/**
 * Argo v3.7.3: OpenTelemetry instruments (util/telemetry/metrics_list.go) exported with the
 * Prometheus namespace `argo_workflows` (workflow/controller/controller.go) and without counter
 * suffixes (util/telemetry/exporter_prometheus.go, WithoutCounterSuffixes).
 */
export const ARGO_EXPORTED_METRICS: Readonly<Record<string, string>> = {
  argo_workflows_total_count: 'util/telemetry/metrics_list.go InstrumentTotalCount',
  argo_workflows_gauge: 'util/telemetry/metrics_list.go InstrumentGauge',
  argo_workflows_error_count: 'util/telemetry/metrics_list.go InstrumentErrorCount',
  argo_workflows_is_leader: 'util/telemetry/metrics_list.go InstrumentIsLeader',
};

/** `phase` values of argo_workflows_total_count (workflow/metrics/counter_workflow_phase.go). */
export const ARGO_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Unknown', 'New'];

/** Argo's metrics port and path defaults (util/telemetry/exporter_prometheus.go). */
export const ARGO_METRICS_ENDPOINT = { port: 9090, path: '/metrics' };

/** The API server serves /metrics on its HTTP port (backend/src/apiserver/main.go). */
export const KFP_API_METRICS_PORT = 8888;
/** The scheduled workflow controller's METRICS_PORT default (scheduledworkflow/main.go). */
export const KFP_SWF_METRICS_PORT = 9090;
