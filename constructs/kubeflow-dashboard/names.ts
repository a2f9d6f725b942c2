/**
 * Names of the objects other components, users and the dashboard itself look up. Workload names
 * are upstream's (kubeflow/dashboard v2.0.0, installed as Kubeflow's `applications/dashboard`),
 * except KFAM's Deployment and ServiceAccount: upstream runs KFAM as a second container of the
 * profile controller's pod under the controller's cluster-admin account; ours is its own workload
 * with its own least-privilege account.
 */
export const KUBEFLOW_DASHBOARD_NAMES = {
  /** Deployment, Service, ServiceAccount, route and AuthorizationPolicy of the dashboard. */
  dashboard: 'dashboard',
  /** The dashboard's ConfigMap with `links` and `settings` (`DASHBOARD_CONFIGMAP`). */
  dashboardConfig: 'dashboard-config',
  /** The profile controller's Deployment. */
  profileController: 'profiles-deployment',
  profileControllerServiceAccount: 'profiles-controller-service-account',
  /** ClusterRole and ClusterRoleBinding of the profile controller (ours; upstream binds cluster-admin). */
  profileControllerClusterRole: 'profiles-controller',
  /** Role and RoleBinding for leader election (upstream's name). */
  leaderElectionRole: 'profiles-leader-election-role',
  /** ConfigMap with the controller's and KFAM's flags (upstream's `profiles-config`). */
  profilesConfig: 'profiles-config',
  /** ConfigMap with the labels of every profile namespace (upstream's name). */
  namespaceLabels: 'profiles-namespace-labels-data',
  /** Service (upstream), Deployment, ServiceAccount, ClusterRole and AuthorizationPolicy of KFAM. */
  kfam: 'profiles-kfam',
  /** The ClusterRoles the profile controller and KFAM bind tenants to. */
  kubeflowAdmin: 'kubeflow-admin',
  kubeflowEdit: 'kubeflow-edit',
  kubeflowView: 'kubeflow-view',
} as const;

/** Ports of the containers and Services, as upstream declares them. */
export const KUBEFLOW_DASHBOARD_PORTS = {
  /** The dashboard's Express server (`http`). */
  dashboard: 8082,
  /** The dashboard's Service port. */
  dashboardService: 80,
  /** The profile controller's health probes (`--health-probe-bind-address=:9876`). */
  profileControllerProbes: 9876,
  /**
   * The profile controller's Prometheus metrics (`--metrics-bind-address`, default `:8080` in
   * `main.go`); upstream turns them off (`=0`), we bind them only when the platform is monitored.
   */
  profileControllerMetrics: 8080,
  /** KFAM's API (`http-kfam`), hard-coded in its `main.go`; also the Service port. */
  kfam: 8081,
} as const;

/** KFAM's API prefix; the dashboard calls `http://<host>:<port>/kfam`. */
export const KFAM_PATH = '/kfam';

/** The Kubeflow roles tenants are bound to, the only ClusterRoles the controller and KFAM may bind. */
export const KUBEFLOW_TENANT_ROLES = [
  KUBEFLOW_DASHBOARD_NAMES.kubeflowAdmin,
  KUBEFLOW_DASHBOARD_NAMES.kubeflowEdit,
  KUBEFLOW_DASHBOARD_NAMES.kubeflowView,
] as const;

/** Aggregation label key of a Kubeflow role: `rbac.authorization.kubeflow.org/aggregate-to-<role>`. */
export function kubeflowAggregationLabel(role: string): string {
  return `rbac.authorization.kubeflow.org/aggregate-to-${role}`;
}
