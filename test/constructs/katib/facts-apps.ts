/**
 * Upstream facts of Katib v0.19.0's DB manager, UI, trial templates and Kubeflow roles, read from
 * kubeflow/katib at the tag (paths under `manifests/v1beta1/` unless they start with `cmd/` or
 * `pkg/`) and Kubeflow 26.03.1's copy (kubeflow/manifests `applications/katib/upstream`, same
 * content; `common/kubeflow-namespace/base/kubeflow/katib-*.yaml` for the network policies).
 * Tests compare the synthesized objects with these field by field; deviations say why.
 */
import { k8s } from 'cdk8s-plus-27';
import { DatabaseTls, IDatabase } from '../../../constructs/core/database';
import { NetworkPeer } from '../../../constructs/core/network';

export const KATIB_APPS_FACTS = {
  version: 'v0.19.0',
  dbManager: {
    /** `installs/katib-with-kubeflow/kustomization.yaml` `images`. */
    image: 'ghcr.io/kubeflow/katib/katib-db-manager:v0.19.0',
    /** `components/db-manager/db-manager.yaml`, `service.yaml`. */
    name: 'katib-db-manager',
    command: ['./katib-db-manager'],
    port: 6789,
    portName: 'api',
    /** Upstream's liveness probe; it has no readiness probe. */
    liveness: {
      grpc: { port: 6789 },
      initialDelaySeconds: 10,
      periodSeconds: 60,
      failureThreshold: 5,
    },
    runAsUser: 1000,
    podLabel: { 'katib.kubeflow.org/component': 'db-manager' },
    sidecarInject: 'false',
    /** `cmd/db-manager/v1beta1/main.go`: `--connect-timeout` default 60 s. */
    connectTimeout: '60s',
    /**
     * Env names (`pkg/db/v1beta1/common/const.go`) and what upstream's external-DB install sets
     * (`installs/katib-external-db/patches/db-manager.yaml`).
     */
    mysqlEnv: [
      'DB_NAME',
      'DB_USER',
      'DB_PASSWORD',
      'KATIB_MYSQL_DB_DATABASE',
      'KATIB_MYSQL_DB_HOST',
      'KATIB_MYSQL_DB_PORT',
    ],
    dbNameMysql: 'mysql',
    dbNamePostgres: 'postgres',
    postgresEnv: [
      'KATIB_POSTGRESQL_DB_HOST',
      'KATIB_POSTGRESQL_DB_PORT',
      'KATIB_POSTGRESQL_DB_DATABASE',
      'KATIB_POSTGRESQL_SSL_MODE',
    ],
    /** `DefaultMySQLDatabase`. */
    database: 'katib',
    /** Kubeflow's NetworkPolicy `katib-db-manager`: profile namespaces. */
    clientNamespaceLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' },
  },
  ui: {
    image: 'ghcr.io/kubeflow/katib/katib-ui:v0.19.0',
    /** `components/ui/ui.yaml`, `service.yaml`, `rbac.yaml`. */
    name: 'katib-ui',
    command: ['./katib-ui'],
    args: ['--port=8080'],
    containerPort: 8080,
    servicePort: 80,
    portName: 'ui',
    runAsUser: 1000,
    podLabel: { 'katib.kubeflow.org/component': 'ui' },
    /** `installs/katib-with-kubeflow/patches/istio-sidecar-injection.yaml`. */
    sidecarInject: 'true',
    /** `patches/enable-ui-authz-checks.yaml`. */
    appDisableAuth: 'false',
    /** `pkg/ui/v1beta1/authzn.go`. */
    env: ['USERID_HEADER', 'USERID_PREFIX', 'APP_DISABLE_AUTH'],
    /** `cmd/ui/v1beta1/main.go` flag. */
    dbManagerFlag: '--db-manager-address',
    /** `ui-virtual-service.yaml`. */
    prefix: '/katib/',
    rewrite: '/katib/',
    /** `components/ui/rbac.yaml` + `patches/ui-rbac.yaml`. */
    upstreamRules: [
      { apiGroups: [''], resources: ['configmaps', 'namespaces'], verbs: ['*'] },
      {
        apiGroups: ['kubeflow.org'],
        resources: ['experiments', 'trials', 'suggestions'],
        verbs: ['*'],
      },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['subjectaccessreviews'],
        verbs: ['create'],
      },
    ] as k8s.PolicyRule[],
  },
  trialTemplates: {
    /** `components/controller/trial-templates.yaml`. */
    configMap: 'trial-templates',
    label: { 'katib.kubeflow.org/component': 'trial-templates' },
    keys: ['defaultTrialTemplate.yaml', 'enasCPUTemplate', 'pytorchJobTemplate'],
    images: [
      'ghcr.io/kubeflow/katib/enas-cnn-cifar10-cpu:v0.19.0',
      'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
    ],
  },
  roles: {
    /** `installs/katib-with-kubeflow/kubeflow-katib-roles.yaml`. */
    admin: {
      name: 'kubeflow-katib-admin',
      labels: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-admin': 'true' },
      selector: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-katib-admin': 'true' },
    },
    edit: {
      name: 'kubeflow-katib-edit',
      labels: {
        'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-edit': 'true',
        'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-katib-admin': 'true',
      },
      rules: [
        {
          apiGroups: ['kubeflow.org'],
          resources: ['experiments', 'trials', 'suggestions'],
          verbs: [
            'get',
            'list',
            'watch',
            'create',
            'delete',
            'deletecollection',
            'patch',
            'update',
          ],
        },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    },
    view: {
      name: 'kubeflow-katib-view',
      labels: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view': 'true' },
      rules: [
        {
          apiGroups: ['kubeflow.org'],
          resources: ['experiments', 'trials', 'suggestions'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
  },
} as const;

/** A stand-in database: records the peers granted access and hands out `<ns>/katib-db` keys. */
export class FakeDatabase implements IDatabase {
  public readonly engine: 'mysql' | 'postgresql';
  public readonly version: string;
  public readonly host: string;
  public readonly port: number;
  public readonly tls: DatabaseTls;
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];
  public readonly asked: string[] = [];

  public constructor(
    opts: { engine?: 'mysql' | 'postgresql'; tls?: DatabaseTls; host?: string; port?: number } = {},
  ) {
    this.engine = opts.engine ?? 'mysql';
    this.version = this.engine === 'mysql' ? '8.4' : '16';
    this.host = opts.host ?? 'mysql.database.svc.cluster.local';
    this.port = opts.port ?? (this.engine === 'mysql' ? 3306 : 5432);
    this.tls = opts.tls ?? { required: false };
  }

  public credentials(namespace: string): {
    readonly username: k8s.SecretKeySelector;
    readonly password: k8s.SecretKeySelector;
  } {
    this.asked.push(namespace);
    return {
      username: { name: `katib-db-${namespace}`, key: 'username' },
      password: { name: `katib-db-${namespace}`, key: 'password' },
    };
  }

  public readonly databases: string[] = [];
  public addDatabase(name: string): void {
    if (!this.databases.includes(name)) this.databases.push(name);
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }
}
