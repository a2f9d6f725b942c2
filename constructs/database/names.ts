/** Names other components and users look up: the managed MySQL and its backup. */
export const MYSQL_NAMES = {
  /** The client Service: `mysql.<namespace>.svc.cluster.local:3306`, upstream's name. */
  service: 'mysql',
  /** The StatefulSet's governing Service. */
  headlessService: 'mysql-headless',
  statefulSet: 'mysql',
  serviceAccount: 'mysql',
  /** The first pod of the StatefulSet, where `kubectl exec` reaches the server. */
  pod: 'mysql-0',
  /** The server container. */
  container: 'mysql',
  /** The root password (key `rootPassword`), read only by the server's entrypoint. */
  rootCredentialsSecret: 'mysql-root-credentials',
  /** The application user (keys `username`, `password`), in the server's and each client's namespace. */
  credentialsSecret: 'mysql-credentials',
  /** The init script that creates the databases on first start. */
  initConfigMap: 'mysql-init',
  port: 3306,
  /** With monitoring: the metrics sidecar (prometheus/mysqld_exporter). */
  exporterContainer: 'mysqld-exporter',
  /** Its MySQL account, `'exporter'@'localhost'`: socket connections from inside the pod only. */
  exporterUser: 'exporter',
  /** Its password (key `password`), read by the server's init script and the exporter. */
  exporterCredentialsSecret: 'mysql-exporter-credentials',
  /** mysqld_exporter's default listen port (`--web.listen-address`, `:9104`). */
  exporterPort: 9104,
} as const;

/**
 * The databases Kubeflow Pipelines 2.16.1 uses, as its `pipeline-install-config` names them
 * (`pipelineDb`, `mlmdDb`, `cacheDb`).
 * @see https://github.com/kubeflow/pipelines/blob/2.16.1/manifests/kustomize/base/installs/generic/pipeline-install-config.yaml
 */
export const KFP_DATABASES = ['mlpipeline', 'metadb', 'cachedb'] as const;

/** Keys of the application user's Secret; `username` and `password` are KFP's `mysql-secret` keys. */
export const DATABASE_CREDENTIAL_KEYS = { username: 'username', password: 'password' } as const;

/** Key of the root password in `mysql-root-credentials`. */
export const MYSQL_ROOT_PASSWORD_KEY = 'rootPassword';
