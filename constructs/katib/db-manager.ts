import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IDatabase } from '../core/database';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import {
  KATIB_APPS_NAMES,
  KATIB_APPS_PORTS,
  katibPodLabels,
  katibPodSelector,
} from './private/apps-names';
import { KATIB_IMAGES } from './versions';

/**
 * Whether Katib's DB manager v0.19.0 can reach its database over TLS, per engine:
 * - MySQL: no. It builds the go-sql-driver DSN `user:password@tcp(host:port)/database?timeout=5s`
 *   with no `tls` parameter and reads no setting that adds one
 *   (`pkg/db/v1beta1/mysql/mysql.go` `dbNameTmpl`, `getDbName`).
 * - PostgreSQL: yes, through `KATIB_POSTGRESQL_SSL_MODE` (lib/pq `sslmode`, default `disable`;
 *   `pkg/db/v1beta1/postgres/postgres.go`, `common/const.go`), with the CA from lib/pq's
 *   `PGSSLROOTCERT` or the system roots.
 * A config rule refuses an external MySQL database that requires TLS with this. MySQL 8.0 and 8.4
 * work: go-sql-driver/mysql v1.5.0 (`go.mod`) speaks `caching_sha2_password`, fetching the
 * server's RSA key on a plain connection; upstream deploys `mysql:8.0.29`, Kubeflow `mysql:8.0`.
 */
export const KATIB_DB_MANAGER_SUPPORTS_TLS: Readonly<Record<IDatabase['engine'], boolean>> = {
  mysql: false,
  postgresql: true,
};

/**
 * What the DB manager does to its database when it starts (`pkg/db/v1beta1/mysql/init.go`,
 * `postgres/init.go`): it creates the table `observation_logs` if it is missing, and nothing
 * else. It does not create the database: the server must have it (upstream's own MySQL gets it
 * from `MYSQL_DATABASE=katib`), and the user needs CREATE, SELECT, INSERT and DELETE on it.
 * Without it the connection fails until `--connect-timeout`, and the process exits.
 */
export const KATIB_DB_MANAGER_CREATES_DATABASE = false;

/** The database upstream connects to (`DefaultMySQLDatabase`, `DefaultPostgreSQLDatabase`). */
export const KATIB_DEFAULT_DATABASE_NAME = 'katib';

/**
 * A small gRPC server in Go. Upstream sets no requests; observation logs of large experiments
 * pass through it in one message, hence the memory limit.
 */
export const KATIB_DB_MANAGER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '32Mi', limit: '256Mi' },
};

/**
 * Labels Kubeflow's network policy admits callers from (`katib-db-manager` NetworkPolicy in
 * `common/kubeflow-namespace/base/kubeflow/`): every profile namespace, where trial pods' metrics
 * collectors report and suggestion pods read observation logs.
 */
export const KATIB_DB_MANAGER_CLIENT_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'kubeflow-profile',
};

/** The user upstream runs the DB manager as (`runAsUser: 1000`; the alpine image sets none). */
const DB_MANAGER_UID = 1000;
/** Where a PostgreSQL CA is mounted for lib/pq's `PGSSLROOTCERT`. */
const CA_DIR = '/etc/katib/database-ca';
const CA_FILE = 'ca.crt';

export interface KatibDbManagerProps {
  /** Where the DB manager runs: Katib's namespace (`kubeflow` in Kubeflow). */
  readonly namespace: INamespace;
  /**
   * The database of observation logs. Its credentials must be readable in `namespace`. With
   * MySQL it must accept plain connections (`KATIB_DB_MANAGER_SUPPORTS_TLS`); with PostgreSQL a
   * required TLS is verified against the host name (`sslmode=verify-full`).
   */
  readonly database: IDatabase;
  /**
   * The database (schema) on the server, declared with `database.addDatabase`: the DB manager
   * does not create it (`KATIB_DB_MANAGER_CREATES_DATABASE`).
   * @default 'katib' - upstream's
   */
  readonly databaseName?: string;
  /**
   * Labels of the namespaces whose pods report and read metrics (trial pods' metrics collectors,
   * suggestion pods): they get a network allow to the gRPC port.
   * @default KATIB_DB_MANAGER_CLIENT_NAMESPACE_LABELS - Kubeflow's profile namespaces
   */
  readonly clientNamespaceLabels?: Readonly<Record<string, string>>;
  /**
   * How long the DB manager waits for the database as it starts before exiting
   * (`--connect-timeout`).
   * @default 60 - upstream's
   */
  readonly connectTimeoutSeconds?: number;
  /** @default KATIB_IMAGES.dbManager - ghcr.io/kubeflow/katib/katib-db-manager:v0.19.0 */
  readonly image?: ImageRef;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's; the server keeps no state, so more replicas are safe */
  readonly replicas?: number;
  /** @default KATIB_DB_MANAGER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/**
 * Katib's DB manager of v0.19.0 (`katib-db-manager`): the gRPC service (port 6789) that stores
 * and serves the observation logs of trials in a MySQL or PostgreSQL database. Callers: the Katib
 * controller (reads a trial's objective, deletes logs), the UI (metric graphs), metrics collectors
 * in trial pods (report) and suggestion pods (read), the last two in tenant namespaces. All
 * connect in plain text (`grpc.WithTransportCredentials(insecure...)` in
 * `pkg/common/v1beta1/katib_manager_util.go`).
 *
 * As upstream, the pod runs without an Istio sidecar (`sidecar.istio.io/inject: "false"` in
 * `components/db-manager/db-manager.yaml`, kept by Kubeflow): trial and suggestion pods run
 * without one too, and meshed callers fall back to plain text towards a pod without a sidecar.
 * The network policy is what admits callers: the client namespaces (constructor) and, in Katib's
 * namespace, the pods named with `allowFrom` (the controller, the UI).
 * @see https://github.com/kubeflow/katib/tree/v0.19.0/cmd/db-manager/v1beta1
 */
export class KatibDbManager extends Construct {
  public readonly namespace: string;
  public readonly databaseName: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly connectTimeoutSeconds: number;
  /** `katib-db-manager.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  /** 6789. */
  public readonly servicePort: number = KATIB_APPS_PORTS.dbManager;
  /** The Service name, for `KATIB_DB_MANAGER_SERVICE_IP` of the controller. */
  public readonly serviceName: string = KATIB_APPS_NAMES.dbManager.service;
  /** The pods' selector labels, for peers and policies. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The container's environment, name to value (Secret references as `secret:<name>/<key>`). */
  public readonly settings: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  private readonly ns: INamespace;
  private readonly allowed = new Set<string>();

  public constructor(scope: Construct, id: string, props: KatibDbManagerProps) {
    super(scope, id);
    const N = KATIB_APPS_NAMES.dbManager;
    const port = KATIB_APPS_PORTS.dbManager;
    const ns = props.namespace.name;
    const db = props.database;
    this.ns = props.namespace;
    this.namespace = ns;
    this.databaseName = props.databaseName ?? KATIB_DEFAULT_DATABASE_NAME;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? KATIB_DB_MANAGER_DEFAULT_RESOURCES;
    this.connectTimeoutSeconds = props.connectTimeoutSeconds ?? 60;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    const image = props.image ?? KATIB_IMAGES.dbManager;
    const clientLabels = props.clientNamespaceLabels ?? KATIB_DB_MANAGER_CLIENT_NAMESPACE_LABELS;
    throwIfProblems('KatibDbManager', this.problems(props, image, clientLabels));

    const labels = katibPodLabels('db-manager');
    const selector = katibPodSelector('db-manager');
    this.podLabels = selector;
    const metadata = { name: N.deployment, namespace: ns, labels };

    // Env names as the code reads them (`pkg/db/v1beta1/common/const.go`): `DB_NAME` picks the
    // driver, `DB_USER`/`DB_PASSWORD` are shared, the rest is per engine.
    const creds = db.credentials(ns);
    const useTls = db.engine === 'postgresql' && db.tls.required;
    const caSecret = useTls ? db.tls.caSecret : undefined;
    const engineEnv: k8s.EnvVar[] =
      db.engine === 'mysql'
        ? [
            { name: 'DB_NAME', value: 'mysql' },
            { name: 'KATIB_MYSQL_DB_HOST', value: db.host },
            { name: 'KATIB_MYSQL_DB_PORT', value: String(db.port) },
            { name: 'KATIB_MYSQL_DB_DATABASE', value: this.databaseName },
          ]
        : [
            { name: 'DB_NAME', value: 'postgres' },
            { name: 'KATIB_POSTGRESQL_DB_HOST', value: db.host },
            { name: 'KATIB_POSTGRESQL_DB_PORT', value: String(db.port) },
            { name: 'KATIB_POSTGRESQL_DB_DATABASE', value: this.databaseName },
            { name: 'KATIB_POSTGRESQL_SSL_MODE', value: useTls ? 'verify-full' : 'disable' },
            ...(caSecret ? [{ name: 'PGSSLROOTCERT', value: `${CA_DIR}/${CA_FILE}` }] : []),
          ];
    const env: k8s.EnvVar[] = [
      ...engineEnv,
      { name: 'DB_USER', valueFrom: { secretKeyRef: { ...creds.username } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { ...creds.password } } },
    ];
    this.settings = Object.fromEntries(
      env.map((e) => [
        e.name,
        e.value ?? `secret:${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`,
      ]),
    );

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata, name: N.serviceAccount },
      automountServiceAccountToken: false,
    });

    // The health service answers SERVING only after `SELECT 1` on the database
    // (`Check` in `cmd/db-manager/v1beta1/main.go`), so readiness follows the database.
    // Liveness is upstream's: native gRPC probe, 10 s delay, every 60 s, 5 failures.
    const grpcPort = { port };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: DB_MANAGER_UID,
              runAsGroup: DB_MANAGER_UID,
              fsGroup: DB_MANAGER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                command: ['./katib-db-manager'],
                args: [`--connect-timeout=${this.connectTimeoutSeconds}s`],
                env,
                ports: [{ name: N.portName, containerPort: port, protocol: 'TCP' }],
                livenessProbe: {
                  grpc: grpcPort,
                  initialDelaySeconds: 10,
                  periodSeconds: 60,
                  failureThreshold: 5,
                },
                readinessProbe: {
                  grpc: grpcPort,
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                ...(caSecret
                  ? { volumeMounts: [{ name: 'database-ca', mountPath: CA_DIR, readOnly: true }] }
                  : {}),
                resources: toResourceRequirements(this.resources),
                // A static Go binary logging to stderr: nothing is written to disk.
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            ...(caSecret
              ? {
                  volumes: [
                    {
                      name: 'database-ca',
                      secret: {
                        secretName: caSecret.name,
                        items: [{ key: caSecret.key, path: CA_FILE }],
                      },
                    },
                  ],
                }
              : {}),
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { ...metadata, name: N.service },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          {
            name: N.portName,
            port,
            targetPort: k8s.IntOrString.fromString(N.portName),
            protocol: 'TCP',
            appProtocol: 'grpc',
          },
        ],
      },
    });

    props.namespace.allowIngress(`${N.service}-from-tenants`, {
      description:
        "metrics collectors of trial pods report observation logs and suggestion pods read them (Katib's DB manager gRPC)",
      podLabels: { ...selector },
      from: [NetworkPeer.namespacesLabelled({ ...clientLabels })],
      ports: [{ port }],
    });
    // The DB manager creates its table, not the database: declare it for the server to create.
    db.addDatabase(this.databaseName);
    db.grantAccess(N.deployment, NetworkPeer.namespace(ns, { ...selector }));
  }

  /**
   * Lets the pods with `podLabels` in the DB manager's namespace reach its gRPC port: the Katib
   * controller (`katib-db-manager-from-controller`) and the UI. An `id` given before is ignored.
   */
  public allowFrom(id: string, podLabels: Readonly<Record<string, string>>, why: string): void {
    if (this.allowed.has(id)) return;
    const problems: string[] = [];
    if (!DNS_LABEL.test(id)) {
      problems.push(
        propProblem(
          'id',
          'is not a DNS label',
          `"${id}"`,
          'Use a name such as katib-db-manager-from-ui.',
        ),
      );
    }
    if (Object.keys(podLabels).length === 0) {
      problems.push(
        propProblem(
          'podLabels',
          'is empty',
          '{}',
          'Select the calling pods; an empty selector admits every pod of the namespace.',
        ),
      );
    }
    throwIfProblems('KatibDbManager.allowFrom', problems);
    this.allowed.add(id);
    this.ns.allowIngress(id, {
      description: why,
      podLabels: { ...this.podLabels },
      from: [NetworkPeer.sameNamespace({ ...podLabels })],
      ports: [{ port: this.servicePort }],
    });
  }

  private problems(
    props: KatibDbManagerProps,
    image: ImageRef,
    clientLabels: Readonly<Record<string, string>>,
  ): string[] {
    const out: string[] = [];
    const db = props.database;
    if (db.engine === 'mysql' && db.tls.required) {
      out.push(
        propProblem(
          'database.tls.required',
          "is true, but Katib's DB manager v0.19.0 connects to MySQL without TLS",
          `${db.host}:${db.port}`,
          'Let the database accept plain connections from a network you trust, or use the managed database.',
        ),
      );
    }
    // MySQL and PostgreSQL identifiers: letters, digits, `_` and `$`, at most 63 characters.
    if (!/^[A-Za-z0-9_$]{1,63}$/.test(this.databaseName)) {
      out.push(
        propProblem(
          'databaseName',
          'is not a plain database name',
          `"${this.databaseName}"`,
          'Use letters, digits and underscores, such as katib.',
        ),
      );
    }
    const written = imageReference(image);
    if (!parseImageReference(written)) {
      out.push(
        propProblem(
          'image',
          'is not a pinned image',
          `"${written}"`,
          'Name a registry and a tag other than latest.',
        ),
      );
    }
    if (Object.keys(clientLabels).length === 0) {
      out.push(
        propProblem(
          'clientNamespaceLabels',
          'is empty',
          '{}',
          'Name the labels of the tenant namespaces, such as app.kubernetes.io/part-of: kubeflow-profile.',
        ),
      );
    }
    const timeout = this.connectTimeoutSeconds;
    if (!Number.isInteger(timeout) || timeout < 1) {
      out.push(
        propProblem(
          'connectTimeoutSeconds',
          'is not a whole number of at least 1',
          String(timeout),
          'Use a number of seconds such as 60.',
        ),
      );
    }
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      out.push(
        propProblem(
          'replicas',
          'is not a whole number of at least 1',
          String(this.replicas),
          'Use 1 or more.',
        ),
      );
    }
    return out;
  }
}
