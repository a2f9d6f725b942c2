/**
 * What kubeflow/dashboard v2.0.0 exports to Prometheus, read at the tag, with where each fact is.
 */

/** Metric names and the file that defines them (paths under `components/`). */
export const DASHBOARD_EXPORTED_METRICS: Readonly<Record<string, string>> = {
  // centraldashboard/app/metrics.ts (prom-client Gauge, Counter, Histogram)
  app_info: 'centraldashboard/app/metrics.ts',
  rest_http_request_total: 'centraldashboard/app/metrics.ts',
  rest_http_request_duration_seconds: 'centraldashboard/app/metrics.ts',
};

/** The profile controller's metrics (`profile-controller/controllers/monitoring.go`). */
export const PROFILE_CONTROLLER_EXPORTED_METRICS: Readonly<Record<string, string>> = {
  request_kf: 'profile-controller/controllers/monitoring.go',
  request_kf_failure: 'profile-controller/controllers/monitoring.go',
  service_heartbeat: 'profile-controller/controllers/monitoring.go',
  // controller-runtime v0.12.1 (profile-controller/go.mod): pkg/internal/controller/metrics
  controller_runtime_reconcile_errors_total: 'controller-runtime pkg/internal/controller/metrics',
  controller_runtime_reconcile_total: 'controller-runtime pkg/internal/controller/metrics',
};

/** KFAM's metrics (`access-management/kfam/monitoring.go`). */
export const KFAM_EXPORTED_METRICS: Readonly<Record<string, string>> = {
  request_kf: 'access-management/kfam/monitoring.go',
  request_kf_failure: 'access-management/kfam/monitoring.go',
  service_heartbeat: 'access-management/kfam/monitoring.go',
};

export const DASHBOARD_METRICS_FACTS = {
  dashboard: {
    /** `app.get("/prometheus/metrics", ...)` in `centraldashboard/app/metrics.ts`. */
    path: '/prometheus/metrics',
    /** Its Express port (`centraldashboard/manifests/kustomize/base/deployment.yaml`). */
    port: 8082,
    /** Collection is on when `COLLECT_METRICS` is `true` (its default, `app/server.ts`). */
    collectEnv: { name: 'COLLECT_METRICS', value: 'true' },
  },
  profileController: {
    /** `flag.StringVar(&metricsAddr, "metrics-bind-address", ":8080", ...)` in `main.go`. */
    flag: '--metrics-bind-address',
    defaultPort: 8080,
    /** Upstream's `manifests/kustomize/base/manager/manager.yaml` turns them off. */
    upstreamArg: '--metrics-bind-address=0',
    /** `ctrl.NewControllerManagedBy(mgr).For(&profilev1.Profile{})`: controller `profile`. */
    controller: 'profile',
  },
  kfam: {
    /** `/metrics` is a route of the API router (`kfam/routers.go`) on `:8081` (`main.go`). */
    path: '/metrics',
    port: 8081,
  },
} as const;
