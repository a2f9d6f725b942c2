/** Where the MLflow tracking servers run (Kubeflow's `kubeflow`). */
export const MLFLOW_NAMESPACE = 'kubeflow';

/**
 * The two tracking servers, one database: `mlflow` behind the gateway for people (it trusts the
 * gateway's `kubeflow-userid` and authorizes that user with SubjectAccessReviews), and
 * `mlflow-workloads` for pods of the tenants (it authorizes each request's own service account
 * token with a SelfSubjectAccessReview, so it trusts no header).
 */
export const MLFLOW_SERVERS = { gateway: 'mlflow', workloads: 'mlflow-workloads' } as const;

/** The servers' port, and the path prefix they serve under (`/mlflow/` on the gateway). */
export const MLFLOW_PORT = 5000;
export const MLFLOW_PATH_PREFIX = '/mlflow';

/** The PodDefault (and the pod label that selects it) that points a pod at the tracking server. */
export const ACCESS_MLFLOW = 'access-mlflow';

/** The tracking URI pods in tenant namespaces use: the workloads server, inside the cluster. */
export function mlflowWorkloadsUri(namespace: string = MLFLOW_NAMESPACE): string {
  return `http://${MLFLOW_SERVERS.workloads}.${namespace}.svc.cluster.local:${MLFLOW_PORT}${MLFLOW_PATH_PREFIX}`;
}
