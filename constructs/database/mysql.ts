import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseTls, IDatabase } from '../core/database';
import { ImageRef, resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { PlaintextClientsPort } from '../core/mesh-policy';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { SecretBinding, SecretSource } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import {
  DATABASE_CREDENTIAL_KEYS,
  KFP_DATABASES,
  MYSQL_NAMES,
  MYSQL_ROOT_PASSWORD_KEY,
} from './names';
import { mysqlMonitoring } from './monitoring';
import { DATABASE_VERSIONS, MYSQL_SERIES } from './versions';

export interface ManagedMysqlProps {
  /** The namespace MySQL runs in; its network policy receives the allows of `grantAccess`. */
  readonly namespace: INamespace;
  /**
   * Databases to create on first start, each with every privilege for the application user.
   * @default KFP_DATABASES (`mlpipeline`, `metadb`, `cachedb`)
   */
  readonly databases?: readonly string[];
  /**
   * Namespaces whose workloads read the application user's credentials (`credentials(namespace)`),
   * e.g. `kubeflow`. The credentials Secret is made in each of them with the same values (a
   * generated Secret is copied, a Pulumi one declared, an existing one required there).
   * @default [] - only the database's own namespace
   */
  readonly clientNamespaces?: readonly string[];
  /** Size of the data volume. @default 20 (as upstream's `mysql-pv-claim`) */
  readonly storageGiB?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * The root password (key `rootPassword`). Root may connect only from inside the pod.
   * @default SecretSource.generated()
   */
  readonly rootCredentials?: SecretSource;
  /**
   * The application user (keys `username`, `password`). Generated values are 32 characters, the
   * longest user name MySQL accepts.
   * @default SecretSource.generated()
   */
  readonly userCredentials?: SecretSource;
  /** @default MYSQL_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default DATABASE_VERSIONS.mysql */
  readonly image?: ImageRef;
  /**
   * The cluster's Prometheus: a mysqld_exporter sidecar (see `MYSQL_EXPORTER_GRANTS`) is scraped
   * and `DatabaseDown` added.
   * @default - no exporter, nothing scraped
   */
  readonly monitoring?: IMonitoring;
  /**
   * The server pod carries a mesh sidecar (its namespace is meshed), so Prometheus reads the
   * exporter through it; otherwise directly on the exporter's port.
   * @default true
   */
  readonly meshed?: boolean;
}

/**
 * What the exporter's account may do: `PROCESS` (InnoDB compression tables of
 * `information_schema`) and `REPLICATION CLIENT` (replica status), the grants of mysqld_exporter's
 * README for its default collectors, without its `SELECT ON *.*`: no default collector reads a
 * table (`global_status` and `global_variables` need no privilege), and the account must not read
 * the platform's data. At most three connections, from the socket only.
 * @see https://github.com/prometheus/mysqld_exporter/blob/v0.20.0/README.md
 */
export const MYSQL_EXPORTER_GRANTS = 'PROCESS, REPLICATION CLIENT';

/** The exporter account's SQL, for the init script and the README (password from `$var`). */
export function mysqlExporterUserSql(passwordVariable: string): string {
  const user = `'${MYSQL_NAMES.exporterUser}'@'localhost'`;
  return `CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY '$${passwordVariable}' WITH MAX_USER_CONNECTIONS 3; GRANT ${MYSQL_EXPORTER_GRANTS} ON *.* TO ${user};`;
}

/** mysqld_exporter's requests and limits: a few queries every scrape. */
export const MYSQLD_EXPORTER_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '100m' },
  memory: { request: '32Mi', limit: '64Mi' },
};

/** The exporter image's user (`USER nobody` of its Dockerfile). */
export const MYSQLD_EXPORTER_UID = 65534;

/** Upstream's requests (100m CPU, 800Mi memory) with limits, which upstream leaves out. */
export const MYSQL_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2' },
  memory: { request: '800Mi', limit: '2Gi' },
};

/** The official image's `mysql` user and group. */
export const MYSQL_UID = 999;

/**
 * Server flags. `--datadir` points one level below the volume's root, where a file system's
 * `lost+found` would make `mysqld --initialize` refuse the directory. The authentication flags and
 * `--disable-log-bin` are KFP 2.16.1's: ML Metadata 1.14.0 logs in with `mysql_native_password`,
 * which MySQL 8.4 ships disabled, and KFP reads no binary log.
 */
export const MYSQL_SERVER_ARGS = [
  '--datadir=/var/lib/mysql/data',
  '--authentication-policy=mysql_native_password',
  // The plugin option without a value turns it on (upstream writes `=ON`); the valueless form
  // is no `password=` assignment, so nothing in the args looks like a credential.
  '--mysql-native-password',
  '--disable-log-bin',
] as const;

/** Where the volume is mounted (upstream's `--datadir`); the data directory is below it. */
export const MYSQL_VOLUME_PATH = '/var/lib/mysql';
/** The server's socket, in a writable emptyDir; root logs in only through it. */
export const MYSQL_SOCKET = '/var/run/mysqld/mysqld.sock';

/** Names MySQL reserves for itself. */
const SYSTEM_SCHEMAS = ['mysql', 'sys', 'information_schema', 'performance_schema'];
/** Database names the init script and the backup use unquoted in shell: no quoting needed. */
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Problems with a list of database names, at `path`. */
export function databaseNameProblems(path: string, databases: readonly string[]): string[] {
  const problems: string[] = [];
  if (databases.length === 0) {
    problems.push(
      propProblem(path, 'is empty', undefined, 'Name at least one database, e.g. mlpipeline.'),
    );
  }
  databases.forEach((db, i) => {
    if (!DATABASE_NAME.test(db)) {
      problems.push(
        propProblem(
          `${path}[${i}]`,
          'is not a database name of lower-case letters, digits and underscores starting with a letter, at most 64 characters',
          `"${db}"`,
          'Use a name such as mlpipeline.',
        ),
      );
    } else if (SYSTEM_SCHEMAS.includes(db)) {
      problems.push(
        propProblem(
          `${path}[${i}]`,
          'names a system schema of MySQL',
          `"${db}"`,
          'Name a database of the application.',
        ),
      );
    } else if (databases.indexOf(db) !== i) {
      problems.push(propProblem(`${path}[${i}]`, 'is listed twice', `"${db}"`, 'List it once.'));
    }
  });
  return problems;
}

/**
 * The init script the image's entrypoint sources once, when it initialises an empty data
 * directory (after it has created the root user and `MYSQL_USER`): each database, and every
 * privilege on it for the application user. `_` is escaped in `GRANT` because it is a wildcard
 * there.
 */
export function mysqlInitScript(databases: readonly string[], exporter = false): string {
  return [
    '# Sourced by the entrypoint of the official image on first start only (docker_process_sql',
    '# connects as root through the socket). Creates the databases of the platform and gives the',
    '# application user MYSQL_USER every privilege on them.',
    ...databases.flatMap((db) => [
      `mysql_note "Creating database ${db} for the application user"`,
      `docker_process_sql --database=mysql <<<"CREATE DATABASE IF NOT EXISTS \\\`${db}\\\`; GRANT ALL ON \\\`${db.replace(/_/g, '\\_')}\\\`.* TO '$MYSQL_USER'@'%';"`,
    ]),
    ...(exporter
      ? [
          'mysql_note "Creating the metrics exporter\'s account"',
          `docker_process_sql --database=mysql <<<"${mysqlExporterUserSql('MYSQL_EXPORTER_PASSWORD')}"`,
        ]
      : []),
    '',
  ].join('\n');
}

/**
 * MySQL 8.4 LTS as the platform's database, what Kubeflow Pipelines 2.16.1 deploys
 * (`third-party/mysql`) made durable and restricted: a StatefulSet with a persistent volume, a
 * client and a headless Service on 3306, a root password and an application user from
 * `SecretSource`s (no empty root password, no root over the network), the databases created on
 * first start, and a NetworkPolicy allow per `grantAccess` on top of the namespace's default deny.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize/third-party/mysql
 * @see https://hub.docker.com/_/mysql
 */
export class ManagedMysql extends Construct implements IDatabase {
  public readonly engine = 'mysql';
  public readonly version = MYSQL_SERIES;
  public readonly host: string;
  public readonly port = MYSQL_NAMES.port;
  /** Clients in the cluster connect without TLS, as KFP's do; the server offers it. */
  public readonly tls: DatabaseTls = { required: false };
  public readonly namespaceName: string;
  public get databases(): readonly string[] {
    return this.databaseList;
  }
  public readonly clientNamespaces: readonly string[];
  public readonly storageGiB: number;
  public readonly rootCredentials: SecretBinding;
  public readonly userCredentials: SecretBinding;
  /** The server pods' labels, for peers and policies. */
  public readonly serverSelector: Record<string, string>;
  /** The exporter's password (key `password`), with monitoring. */
  public readonly exporterCredentials?: SecretBinding;
  /** The `job` of the exporter's series, with monitoring. */
  public readonly metricsJob?: ScrapeJob;

  private readonly namespace: INamespace;
  private readonly databaseList: string[];
  private plaintextPort?: PlaintextClientsPort;

  public constructor(scope: Construct, id: string, props: ManagedMysqlProps) {
    super(scope, id);
    const ns = props.namespace.name;
    this.namespace = props.namespace;
    this.namespaceName = ns;
    this.databaseList = [...(props.databases ?? KFP_DATABASES)];
    this.clientNamespaces = [...(props.clientNamespaces ?? [])];
    this.storageGiB = props.storageGiB ?? 20;
    throwIfProblems(`ManagedMysql "${id}"`, [
      ...databaseNameProblems('databases', this.databases),
      ...this.clientNamespaces.flatMap((n, i) =>
        DNS_LABEL.test(n)
          ? []
          : [
              propProblem(
                `clientNamespaces[${i}]`,
                'is not a namespace name',
                `"${n}"`,
                'Use a DNS label such as kubeflow.',
              ),
            ],
      ),
      ...(Number.isInteger(this.storageGiB) && this.storageGiB > 0
        ? []
        : [
            propProblem(
              'storageGiB',
              'is not a positive whole number',
              String(this.storageGiB),
              'Give the size in GiB, e.g. 20.',
            ),
          ]),
    ]);
    this.host = `${MYSQL_NAMES.service}.${ns}.svc.cluster.local`;

    const image = props.image ?? DATABASE_VERSIONS.mysql;
    const server: ComponentLabelOptions = {
      name: 'mysql',
      component: 'server',
      version: image.tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, ''),
    };
    this.serverSelector = selectorLabels(server);
    const labels = standardLabels(server);

    this.rootCredentials = (props.rootCredentials ?? SecretSource.generated()).bind(
      this,
      'RootCredentials',
      {
        namespace: ns,
        secretName: MYSQL_NAMES.rootCredentialsSecret,
        keys: [MYSQL_ROOT_PASSWORD_KEY],
        labels: server,
      },
    );
    this.userCredentials = (props.userCredentials ?? SecretSource.generated()).bind(
      this,
      'UserCredentials',
      {
        namespace: ns,
        secretName: MYSQL_NAMES.credentialsSecret,
        keys: [DATABASE_CREDENTIAL_KEYS.username, DATABASE_CREDENTIAL_KEYS.password],
        labels: server,
        sharedWith: this.clientNamespaces.filter((n) => n !== ns),
        // MySQL user names are at most 32 characters.
        valueLength: 32,
      },
    );

    const monitoring = props.monitoring;
    if (monitoring) {
      this.exporterCredentials = SecretSource.generated().bind(this, 'ExporterCredentials', {
        namespace: ns,
        secretName: MYSQL_NAMES.exporterCredentialsSecret,
        keys: ['password'],
        labels: server,
      });
    }

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: MYSQL_NAMES.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Init', {
      metadata: { name: MYSQL_NAMES.initConfigMap, namespace: ns, labels },
      data: {
        'create-databases.sh': Lazy.any({
          produce: () => mysqlInitScript(this.databases, monitoring !== undefined),
        }) as string,
      },
    });

    // Upstream leaves the port unnamed because Istio's MySQL protocol handling broke requests;
    // the tcp- prefix makes the mesh treat it as plain TCP.
    const servicePort: k8s.ServicePort = {
      name: 'tcp-mysql',
      port: MYSQL_NAMES.port,
      targetPort: k8s.IntOrString.fromString('mysql'),
      protocol: 'TCP',
    };
    new k8s.KubeService(this, 'Service', {
      metadata: { name: MYSQL_NAMES.service, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: this.serverSelector, ports: [servicePort] },
    });
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: MYSQL_NAMES.headlessService, namespace: ns, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.serverSelector,
        ports: [servicePort],
      },
    });

    // `mysqladmin ping` exits 0 whenever the server answers, even "Access denied", so the probe
    // needs no credentials. Over TCP it fails while the entrypoint's temporary server (started
    // with --skip-networking) initialises the data directory.
    const ping: k8s.ExecAction = {
      command: [
        'mysqladmin',
        '--protocol=tcp',
        '--host=127.0.0.1',
        `--port=${MYSQL_NAMES.port}`,
        '--connect-timeout=5',
        '--silent',
        'ping',
      ],
    };
    const credentialEnv = (name: string, binding: SecretBinding, key: string): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: binding.keyRef(key) },
    });
    const scratch = (name: string, sizeLimit: string, memory = false): k8s.Volume => ({
      name,
      emptyDir: {
        ...(memory ? { medium: 'Memory' } : {}),
        sizeLimit: k8s.Quantity.fromString(sizeLimit),
      },
    });

    const exporter = this.exporterCredentials;
    const statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: MYSQL_NAMES.statefulSet, namespace: ns, labels },
      spec: {
        serviceName: MYSQL_NAMES.headlessService,
        replicas: 1,
        selector: { matchLabels: this.serverSelector },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          // Monitoring writes the prometheus.io annotations the sidecar injector reads here.
          metadata: { labels, ...(exporter ? { annotations: {} } : {}) },
          spec: {
            serviceAccountName: MYSQL_NAMES.serviceAccount,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // InnoDB flushes its buffer pool on a clean shutdown.
            terminationGracePeriodSeconds: 60,
            securityContext: restrictedPodSecurityContext({
              runAsUser: MYSQL_UID,
              runAsGroup: MYSQL_UID,
              fsGroup: MYSQL_UID,
            }),
            containers: [
              {
                name: MYSQL_NAMES.container,
                image: resolveImage(this, image),
                args: [...MYSQL_SERVER_ARGS],
                env: [
                  credentialEnv(
                    'MYSQL_ROOT_PASSWORD',
                    this.rootCredentials,
                    MYSQL_ROOT_PASSWORD_KEY,
                  ),
                  // Root only through the socket, from inside the pod.
                  { name: 'MYSQL_ROOT_HOST', value: 'localhost' },
                  credentialEnv(
                    'MYSQL_USER',
                    this.userCredentials,
                    DATABASE_CREDENTIAL_KEYS.username,
                  ),
                  credentialEnv(
                    'MYSQL_PASSWORD',
                    this.userCredentials,
                    DATABASE_CREDENTIAL_KEYS.password,
                  ),
                  // Read by the init script on first start (the exporter's account).
                  ...(exporter
                    ? [credentialEnv('MYSQL_EXPORTER_PASSWORD', exporter, 'password')]
                    : []),
                ],
                ports: [{ name: 'mysql', containerPort: MYSQL_NAMES.port, protocol: 'TCP' }],
                // The first start initialises the data directory before the server listens.
                startupProbe: {
                  exec: ping,
                  periodSeconds: 10,
                  timeoutSeconds: 10,
                  failureThreshold: 60,
                },
                readinessProbe: {
                  exec: ping,
                  periodSeconds: 10,
                  timeoutSeconds: 10,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromString('mysql') },
                  periodSeconds: 20,
                  timeoutSeconds: 5,
                  failureThreshold: 6,
                },
                resources: toResourceRequirements(props.resources ?? MYSQL_DEFAULT_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'data', mountPath: MYSQL_VOLUME_PATH },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  { name: 'run', mountPath: '/var/run/mysqld' },
                  { name: 'tmp', mountPath: '/tmp' },
                  // secure-file-priv of the image's my.cnf; the entrypoint runs mkdir -p on it.
                  { name: 'files', mountPath: '/var/lib/mysql-files' },
                ],
              },
              ...(exporter ? [this.exporterContainer(exporter)] : []),
            ],
            volumes: [
              {
                name: 'init',
                // Not executable: the entrypoint sources it, so docker_process_sql is defined.
                configMap: { name: MYSQL_NAMES.initConfigMap, defaultMode: 0o444 },
              },
              scratch('run', '16Mi', true),
              scratch('tmp', '2Gi'),
              scratch('files', '64Mi'),
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
              resources: {
                requests: { storage: k8s.Quantity.fromString(`${this.storageGiB}Gi`) },
              },
            },
          },
        ],
      },
    });

    if (monitoring) {
      this.metricsJob = mysqlMonitoring(this, monitoring, {
        namespace: props.namespace,
        podLabels: this.serverSelector,
        ...((props.meshed ?? true) ? { workload: statefulSet } : {}),
      });
    }
  }

  /**
   * mysqld_exporter next to the server: it logs in through the shared socket directory as
   * `'exporter'@'localhost'` (no network path to the server, no credential that reads data) and
   * has no probe, because an unready sidecar would take the database out of its Service.
   */
  private exporterContainer(credentials: SecretBinding): k8s.Container {
    return {
      name: MYSQL_NAMES.exporterContainer,
      image: resolveImage(this, DATABASE_VERSIONS.mysqldExporter),
      args: [
        `--mysqld.address=unix://${MYSQL_SOCKET}`,
        `--mysqld.username=${MYSQL_NAMES.exporterUser}`,
        `--web.listen-address=:${MYSQL_NAMES.exporterPort}`,
      ],
      env: [
        // The exporter reads the password from this variable (`config/config.go`).
        {
          name: 'MYSQLD_EXPORTER_PASSWORD',
          valueFrom: { secretKeyRef: credentials.keyRef('password') },
        },
      ],
      ports: [{ name: 'metrics', containerPort: MYSQL_NAMES.exporterPort, protocol: 'TCP' }],
      resources: toResourceRequirements(MYSQLD_EXPORTER_RESOURCES),
      securityContext: restrictedContainerSecurityContext({
        runAsUser: MYSQLD_EXPORTER_UID,
        runAsGroup: MYSQL_UID,
      }),
      volumeMounts: [{ name: 'run', mountPath: '/var/run/mysqld' }],
    };
  }

  /**
   * The application user's Secret in `namespace`: the database's own namespace or one listed in
   * `clientNamespaces` (where the Secret is made with the same values).
   */
  public credentials(namespace: string): {
    readonly username: k8s.SecretKeySelector;
    readonly password: k8s.SecretKeySelector;
  } {
    if (namespace !== this.namespaceName && !this.clientNamespaces.includes(namespace)) {
      throw new Error(
        `ManagedMysql "${this.node.id}": ${propProblem(
          'clientNamespaces',
          `does not list the namespace that asks for the credentials, so ${MYSQL_NAMES.credentialsSecret} is not made there`,
          `"${namespace}"`,
          `Add "${namespace}" to clientNamespaces.`,
        )}`,
      );
    }
    return {
      username: this.userCredentials.keyRef(DATABASE_CREDENTIAL_KEYS.username),
      password: this.userCredentials.keyRef(DATABASE_CREDENTIAL_KEYS.password),
    };
  }

  /**
   * Adds a database to the init script. The script runs when the data directory is empty, so a
   * database added to a server that has already started must be created by hand (see the
   * README's "Adding a database to a running server").
   */
  public addDatabase(name: string): void {
    if (this.databaseList.includes(name)) return;
    throwIfProblems(
      `ManagedMysql "${this.node.id}"`,
      databaseNameProblems('databases', [...this.databaseList, name]),
    );
    this.databaseList.push(name);
  }

  public acceptClientsWithoutMesh(reason: string): void {
    this.plaintextPort ??= new PlaintextClientsPort(this, {
      name: 'mysql-clients-without-mesh',
      namespace: this.namespaceName,
      labels: standardLabels({ name: 'mysql', component: 'mesh-policy' }),
      selector: this.serverSelector,
      port: MYSQL_NAMES.port,
    });
    this.plaintextPort.accept(reason);
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.namespace.allowIngress(id, {
      description: 'MySQL protocol of the platform database',
      podLabels: this.serverSelector,
      from: [peer],
      ports: [{ port: MYSQL_NAMES.port }],
    });
  }
}
