import { ISTIO_ENVOY_PROM_PORT } from '../core/monitoring';

/** The component's key and the `app.kubernetes.io/name` of the objects it writes. */
export const MONITORING_KEY = 'monitoring';

/** Where the cluster's Prometheus and Grafana run by default (kube-prometheus-stack's habit). */
export const DEFAULT_MONITORING_NAMESPACE = 'monitoring';

/** The PrometheusRule (and its group) of the platform-wide alerts. */
export const PLATFORM_ALERT_GROUP = 'mlops-platform';

/** The platform-wide alerts the monitoring component adds itself. */
export const PLATFORM_ALERTS = {
  webhookCallsFailing: 'KubeflowWebhookCallsFailing',
  webhookSlow: 'KubeflowWebhookSlow',
  workloadUnavailable: 'PlatformWorkloadUnavailable',
  workloadDegraded: 'PlatformWorkloadDegraded',
} as const;

/** The dashboards the monitoring component adds itself (Grafana uids and ConfigMap names). */
export const PLATFORM_DASHBOARDS = {
  health: 'mlops-platform-health',
  tenantUsage: 'mlops-tenant-usage',
} as const;

/** The label Kubeflow's profile controller puts on every tenant namespace. */
export const PROFILE_NAMESPACE_LABEL = { 'app.kubernetes.io/part-of': 'kubeflow-profile' } as const;

/** The Prometheus Operator's API group and version of the objects written here. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/**
 * The CRDs the cluster's Prometheus Operator brings; `install.sh` checks them before applying.
 * @see prometheus-operator v0.93.0 example/prometheus-operator-crd/
 */
export const PROMETHEUS_OPERATOR_CRDS = [
  { plural: 'podmonitors', kind: 'PodMonitor' },
  { plural: 'servicemonitors', kind: 'ServiceMonitor' },
  { plural: 'prometheusrules', kind: 'PrometheusRule' },
] as const;

/** The Istio sidecar's container port (named) that serves Envoy's own stats: one per meshed pod. */
export const ISTIO_ENVOY_PROM_PORT_NAME = ISTIO_ENVOY_PROM_PORT.name;
