/**
 * Names of the Notebooks objects: upstream's after its kustomize name prefixes
 * (`notebook-controller-`, `jupyter-web-app-`), so that they match an upstream install.
 */
export const KUBEFLOW_NOTEBOOKS_NAMES = {
  controller: {
    deployment: 'notebook-controller-deployment',
    container: 'manager',
    serviceAccount: 'notebook-controller-service-account',
    service: 'notebook-controller-service',
    config: 'notebook-controller-config',
    clusterRole: 'notebook-controller-role',
    clusterRoleBinding: 'notebook-controller-role-binding',
    leaderElectionRole: 'notebook-controller-leader-election-role',
    leaderElectionRoleBinding: 'notebook-controller-leader-election-rolebinding',
  },
  jupyter: {
    deployment: 'jupyter-web-app-deployment',
    container: 'jupyter-web-app',
    serviceAccount: 'jupyter-web-app-service-account',
    service: 'jupyter-web-app-service',
    /** The ConfigMap with `spawner_ui_config.yaml`. */
    config: 'jupyter-web-app-config',
    logos: 'jupyter-web-app-logos',
    clusterRole: 'jupyter-web-app-cluster-role',
    clusterRoleBinding: 'jupyter-web-app-cluster-role-binding',
    /** The VirtualService and AuthorizationPolicy (upstream's policy name). */
    route: 'jupyter-web-app',
  },
  /** The aggregated user roles Kubeflow's `kubeflow-admin/edit/view` pick up. */
  userRoles: {
    notebooksAdmin: 'kubeflow-notebooks-admin',
    notebooksEdit: 'kubeflow-notebooks-edit',
    notebooksView: 'kubeflow-notebooks-view',
    uiAdmin: 'kubeflow-notebook-ui-admin',
    uiEdit: 'kubeflow-notebook-ui-edit',
    uiView: 'kubeflow-notebook-ui-view',
  },
} as const;

export const KUBEFLOW_NOTEBOOKS_PORTS = {
  /** The controller's metrics (`--metrics-addr`, upstream's default `:8080`). */
  controllerMetrics: 8080,
  /** The controller's health probes (`--probe-addr`, `:8081`). */
  controllerProbes: 8081,
  /** The controller Service's port (upstream's; nothing listens behind it). */
  controllerService: 443,
  /** The web app's gunicorn port. */
  jupyter: 5000,
  jupyterService: 80,
} as const;

/** The web app's path on the gateway (`APP_PREFIX`). */
export const JUPYTER_PREFIX = '/jupyter';
