import { ResourceSpec } from '../core/resources';

/** Requests and limits of the dashboard's Node.js server. */
export const DASHBOARD_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** Requests and limits of the profile controller (one reconciler, watches cluster-wide). */
export const PROFILE_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/** Requests and limits of KFAM (a small API with a RoleBinding informer). */
export const KFAM_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '20m', limit: '200m' },
  memory: { request: '32Mi', limit: '128Mi' },
};

/**
 * Labels of every profile namespace, upstream's `kubeflow-pss` overlay (the one Kubeflow's
 * `applications/dashboard/overlays/istio` installs). The profile controller adds
 * `istio-injection: enabled` itself.
 */
export const DEFAULT_PROFILE_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'kubeflow-profile',
  'katib.kubeflow.org/metrics-collector-injection': 'enabled',
  'pipelines.kubeflow.org/enabled': 'true',
  'serving.kubeflow.org/inferenceservice': 'enabled',
  'pod-security.kubernetes.io/enforce': 'baseline',
};

/** Upstream's dashboard `settings` (`DASHBOARD_FORCE_IFRAME`: open every app inside the dashboard frame). */
export const DEFAULT_DASHBOARD_SETTINGS: Readonly<Record<string, unknown>> = {
  DASHBOARD_FORCE_IFRAME: true,
};
