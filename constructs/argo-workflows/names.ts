/**
 * Names of the Argo Workflows objects: upstream's (`manifests/base/workflow-controller` and
 * `manifests/cluster-install-no-crds/workflow-controller-rbac` at v3.7.3), so that an upstream
 * install, its docs and Kubeflow Pipelines find them.
 */
export const ARGO_WORKFLOWS_NAMES = {
  deployment: 'workflow-controller',
  container: 'workflow-controller',
  serviceAccount: 'argo',
  /** The controller's configuration (`--configmap`, upstream's default name). */
  configMap: 'workflow-controller-configmap',
  priorityClass: 'workflow-controller',
  clusterRole: 'argo-cluster-role',
  clusterRoleBinding: 'argo-binding',
  /** Leases for leader election and Secrets, in the controller's namespace. */
  role: 'argo-role',
  roleBinding: 'argo-binding',
  /** Upstream's metrics Service until v3.4 (removed from its manifests, kept here). */
  metricsService: 'workflow-controller-metrics',
  /** The Lease the replicas elect a leader with; `-<instanceID>` is appended when set. */
  leaderElectionLease: 'workflow-controller',
  /** Roles aggregated into Kubernetes' `view`, `edit` and `admin`. */
  aggregateToView: 'argo-aggregate-to-view',
  aggregateToEdit: 'argo-aggregate-to-edit',
  aggregateToAdmin: 'argo-aggregate-to-admin',
} as const;

export const ARGO_WORKFLOWS_PORTS = {
  /** Prometheus metrics (`metricsConfig.port`), TLS with a self-signed certificate by default. */
  metrics: 9090,
  /** `/healthz` (and pprof when enabled): fixed in `cmd/workflow-controller/main.go`. */
  health: 6060,
} as const;
