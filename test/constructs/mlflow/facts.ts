/**
 * Upstream facts, written down by hand:
 * - kubeflow/community-distribution `applications/mlflow/values-kubeflow.yaml` (image tag v1.6.0,
 *   Kubeflow's values), `applications/mlflow/upstream/base/resources.yaml` (the chart rendered
 *   with them), `applications/mlflow/overlays/kubeflow/profile-roles.yaml` (Kubeflow roles);
 * - kubeflow/mlflow-integration `Dockerfile` (release: MLflow 3.15.2 with plugin 1.6.0),
 *   `pyproject.toml` (1.6.0), `charts/mlflow/templates/{deployment,rbac,migration-job}.yaml`,
 *   `charts/mlflow/values.yaml`, `charts/mlflow/scripts/db_migrate.py`,
 *   `mlflow_kubernetes_plugins/auth/constants.py`, `workspace_plugin/{provider,caches}.py`,
 *   `docs/kubernetes-rbac.md`;
 * - mlflow/mlflow `mlflow/store/workspace_aware_mixin.py` (`workspaces/<name>` under the root),
 *   `mlflow/store/db/utils.py` (`MLFLOW_MYSQL_SSL_CA`, `_initialize_tables`, `_upgrade_db`).
 */
import { k8s } from 'cdk8s-plus-27';
import { DatabaseTls, IDatabase } from '../../../constructs/core/database';
import { NetworkPeer } from '../../../constructs/core/network';

export const MLFLOW_FACTS = {
  image: 'ghcr.io/kubeflow/mlflow-integration:v1.6.0',
  mlflowVersion: '3.15.2',
  /** Rendered Deployment: the flags in order (artifacts destination and hosts vary). */
  flags: [
    'server',
    '--serve-artifacts',
    '--app-name=kubernetes-auth',
    '--enable-workspaces',
    '--workspace-store-uri=kubernetes://',
    '--host=0.0.0.0',
    '--port=5000',
    '--workers=1',
    '--allowed-hosts',
    '--static-prefix=/mlflow',
  ],
  env: {
    MLFLOW_DISABLE_TELEMETRY: 'true',
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
    MLFLOW_K8S_AUTH_AUTHORIZATION_MODE: 'subject_access_review',
    MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR: 'app.kubernetes.io/part-of=kubeflow-profile',
    MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE: 'false',
    MLFLOW_K8S_AUTH_REMOTE_USER_HEADER: 'kubeflow-userid',
    MLFLOW_K8S_AUTH_REMOTE_GROUPS_HEADER: 'kubeflow-groups',
    MLFLOW_K8S_AUTH_REMOTE_GROUPS_SEPARATOR: ',',
  },
  /** The rendered `--allowed-hosts` value, for Kubeflow's domain and `mlflow` in `kubeflow`. */
  allowedHosts:
    'localhost,127.0.0.1,[::1],0.0.0.0,localhost:*,127.0.0.1:*,[[]::1]:*,0.0.0.0:*,192.168.*,10.*,172.16.*,172.17.*,172.18.*,172.19.*,172.20.*,172.21.*,172.22.*,172.23.*,172.24.*,172.25.*,172.26.*,172.27.*,172.28.*,172.29.*,172.30.*,172.31.*,fc00:*,fd00:*,kubeflow.example.com,*.kubeflow.example.com,mlflow,mlflow:*,mlflow.kubeflow,mlflow.kubeflow:*,mlflow.kubeflow.svc,mlflow.kubeflow.svc:*,mlflow.kubeflow.svc.cluster.local,mlflow.kubeflow.svc.cluster.local:*',
  port: 5000,
  portName: 'http',
  liveness: {
    path: '/mlflow/health',
    initialDelaySeconds: 30,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
  },
  readiness: {
    path: '/mlflow/health',
    initialDelaySeconds: 5,
    periodSeconds: 5,
    timeoutSeconds: 1,
    failureThreshold: 3,
  },
  runAsUser: 1000,
  fsGroup: 1000,
  /** `rbac.yaml` as rendered, without its `mlflow-artifact-connection` secrets rule (left out). */
  serverRules: [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    {
      apiGroups: ['mlflow.kubeflow.org'],
      resources: ['mlflowconfigs'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
  /** `profile-roles.yaml`. */
  roles: {
    resources: [
      'datasets',
      'experiments',
      'gatewaybudgets',
      'gatewayendpoints',
      'gatewayguardrails',
      'gatewaymodeldefinitions',
      'gatewaysecrets',
      'mcpservers',
      'registeredmodels',
    ],
    use: ['gatewayendpoints/use', 'gatewaymodeldefinitions/use', 'gatewaysecrets/use'],
  },
  /** `migration-job.yaml`: runs without a token, restartPolicy Never. */
  migration: { restartPolicy: 'Never', automountServiceAccountToken: false },
} as const;

/** An `IDatabase` that records what components ask of it. */
export class FakeDatabase implements IDatabase {
  public readonly version = '8.4';
  public readonly port: number;
  public readonly databases: string[] = [];
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];
  public readonly plainReasons: string[] = [];

  public constructor(
    public readonly engine: 'mysql' | 'postgresql' = 'mysql',
    public readonly tls: DatabaseTls = { required: false },
    public readonly host = 'mysql.mysql.svc.cluster.local',
  ) {
    this.port = engine === 'mysql' ? 3306 : 5432;
  }

  public credentials(_namespace: string): {
    username: k8s.SecretKeySelector;
    password: k8s.SecretKeySelector;
  } {
    return {
      username: { name: 'mlflow-db', key: 'username' },
      password: { name: 'mlflow-db', key: 'password' },
    };
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }

  public addDatabase(name: string): void {
    if (!this.databases.includes(name)) this.databases.push(name);
  }

  public acceptClientsWithoutMesh(reason: string): void {
    this.plainReasons.push(reason);
  }
}
