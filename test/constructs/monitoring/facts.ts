/**
 * Upstream facts the monitoring component relies on, each with where it comes from. Tests assert
 * the constructs against these, and every metric an alert or dashboard reads against `METRICS`.
 */

/** prometheus-operator v0.93.0 pkg/prometheus/server/operator.go `makeSelectorLabels`. */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' };

/**
 * kube-prometheus-stack 88.5.3 templates/prometheus/prometheus.yaml: with
 * `*SelectorNilUsesHelmValues: true` (values.yaml default) monitors and rules are selected by
 * `release: <release name>`.
 */
export const KUBE_PROMETHEUS_STACK_MONITOR_LABELS = { release: 'kube-prometheus-stack' };

/** kube-prometheus-stack 88.5.3 values.yaml `grafana.sidecar.dashboards.label`/`labelValue`. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' };

/** kiwigrid k8s-sidecar: FOLDER_ANNOTATION defaults to this key. */
export const SIDECAR_FOLDER_ANNOTATION = 'k8s-sidecar-target-directory';

/** Istio 1.30.1 injection-template.yaml: the sidecar's Envoy stats port. */
export const ISTIO_ENVOY_PROM_PORT = { name: 'http-envoy-prom', containerPort: 15090 };
/** Istio 1.30.1 pkg/kube/inject/webhook.go `applyPrometheusMerge`: the agent's merged endpoint. */
export const ISTIO_MERGED = { port: 15020, path: '/stats/prometheus' };

/** The metric series the monitoring component reads, by where they come from. */
export const METRICS: Readonly<Record<string, readonly string[]>> = {
  // Kubernetes v1.32 staging/src/k8s.io/apiserver/pkg/admission/metrics/metrics.go
  // (namespace apiserver, subsystem admission).
  'kube-apiserver': [
    'apiserver_admission_webhook_rejection_count',
    'apiserver_admission_webhook_fail_open_count',
    'apiserver_admission_webhook_request_total',
    'apiserver_admission_webhook_admission_duration_seconds_bucket',
  ],
  // kube-state-metrics v2.20.0 internal/store/{deployment,statefulset,daemonset,resourcequota}.go
  'kube-state-metrics': [
    'kube_deployment_status_replicas_available',
    'kube_deployment_spec_replicas',
    'kube_statefulset_status_replicas_ready',
    'kube_statefulset_replicas',
    'kube_daemonset_status_number_available',
    'kube_daemonset_status_desired_number_scheduled',
    'kube_resourcequota',
  ],
  // controller-runtime pkg/internal/controller/metrics/metrics.go
  'controller-runtime': [
    'controller_runtime_reconcile_errors_total',
    'controller_runtime_reconcile_total',
  ],
  // cAdvisor through the kubelet's /metrics/cadvisor
  cadvisor: ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
  // synthesized by Prometheus for every target
  prometheus: ['up'],
  // Istio 1.30.1 pilot/cmd/pilot-agent/metrics/metrics.go, prefixed istio_agent_ in status/server.go
  'istio-agent': ['istio_agent_scrape_failures_total'],
};

export const ALL_METRICS: ReadonlySet<string> = new Set(Object.values(METRICS).flat());
