import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IDatabase } from '../core/database';
import { ImageRef, resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { boundedName } from '../core/names';
import { IMonitoring } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { IObjectStore, S3CredentialsRef } from '../core/object-store';
import { Prerequisites } from '../core/prerequisites';
import { JOB_RESOURCES, ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import { cronScheduleProblems } from './cron';
import { backupAlerts } from './monitoring';
import { ManagedMysql, MYSQL_SOCKET, MYSQL_UID, databaseNameProblems } from './mysql';
import { MYSQL_NAMES } from './names';
import { DATABASE_VERSIONS } from './versions';

export interface DatabaseBackupProps {
  /** The database to dump. Only `mysql` engines are supported. */
  readonly database: IDatabase;
  /**
   * Where the CronJob runs; the database's credentials are read here
   * (`database.credentials(namespace.name)`).
   */
  readonly namespace: INamespace;
  /** Where the dumps go. */
  readonly objectStore: IObjectStore;
  /**
   * Name of the CronJob, its ServiceAccount and the network allows.
   * @default 'mysql-backup'
   */
  readonly name?: string;
  /** @default - every database of `database` (`IDatabase.databases`) when the platform synthesizes */
  readonly databases?: readonly string[];
  /**
   * When the backup runs: five cron fields, in `timeZone`.
   * @default '17 2 * * *' - 02:17 every day
   */
  readonly schedule?: string;
  /** An IANA time zone for `schedule`. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /**
   * Dumps older than this many days are deleted after each successful backup.
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * One of the object store's buckets. A bucket of its own keeps the dumps from users who may
   * read the default bucket.
   * @default - the object store's first bucket
   */
  readonly bucket?: string;
  /**
   * Key prefix of the dumps, without leading or trailing `/`. Every object under it is subject to
   * retention: give the dumps a prefix of their own.
   * @default 'database-backups/<name>'
   */
  readonly prefix?: string;
  /**
   * An access key pair for the object store in `namespace`; a Secret the user manages (it becomes
   * a prerequisite).
   * @default - the object store's own credentials, if they are in `namespace`
   */
  readonly objectStoreCredentials?: S3CredentialsRef;
  /** @default DATABASE_BACKUP_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Retries of a failed run. @default 2 */
  readonly backoffLimit?: number;
  /** A run that takes longer is stopped. @default 10800 (3 hours) */
  readonly activeDeadlineSeconds?: number;
  /** @default DATABASE_VERSIONS */
  readonly images?: { readonly mysql?: ImageRef; readonly mc?: ImageRef };
  /**
   * The cluster's Prometheus: `DatabaseBackupFailing` and `DatabaseBackupNotRun` are added, from
   * kube-state-metrics' series of the CronJob and its Jobs (the CronJob exports nothing itself).
   * "Not run" allows the schedule's longest interval plus the starting and active deadlines.
   * @default - no alerts
   */
  readonly monitoring?: IMonitoring;
}

/** `mysqldump` and `gzip` stream; `mc pipe` holds a few upload parts in memory. */
export const DATABASE_BACKUP_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '256Mi', limit: '1Gi' },
};

/** Options of every dump: one consistent InnoDB snapshot that restores over what is there. */
export const MYSQLDUMP_OPTIONS = [
  '--single-transaction',
  '--routines',
  '--triggers',
  '--events',
  '--hex-blob',
  // Tablespace metadata needs the global PROCESS privilege; the platform uses none.
  '--no-tablespaces',
  '--set-gtid-purged=OFF',
  '--add-drop-database',
] as const;

/** Where the `mc` binary is copied to, on an emptyDir shared by the two containers. */
const MC = '/tools/mc';
const CA_PATH = '/etc/database-ca/ca.crt';

/**
 * The backup script. The dump streams through gzip to `<key>.partial` and is renamed when
 * complete, so a failed or killed run never leaves a `.sql.gz` that looks whole. Retention deletes
 * every object under the prefix older than RETENTION_DAYS, which does nothing when there is none:
 * the script can run any number of times.
 */
export const BACKUP_SCRIPT = [
  'set -euo pipefail',
  'umask 077',
  // The password goes to mysqldump in an option file, as the image's entrypoint passes root's.
  `printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$DB_USER" "$DB_PASSWORD" > /tmp/client.cnf`,
  'tls=(--ssl-mode="$DB_SSL_MODE")',
  'if [ -n "${DB_SSL_CA:-}" ]; then tls+=(--ssl-ca="$DB_SSL_CA"); fi',
  `${MC} alias set backup "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null`,
  'key="$BUCKET/$PREFIX/$(date -u +%Y%m%dT%H%M%SZ).sql.gz"',
  'echo "Dumping $DATABASES from $DB_HOST:$DB_PORT to $key"',
  'mysqldump --defaults-extra-file=/tmp/client.cnf --host="$DB_HOST" --port="$DB_PORT" "${tls[@]}" \\',
  `  ${MYSQLDUMP_OPTIONS.join(' ')} --databases $DATABASES \\`,
  `  | gzip -c | ${MC} pipe "backup/$key.partial"`,
  `${MC} mv "backup/$key.partial" "backup/$key"`,
  'echo "Deleting objects older than $RETENTION_DAYS days under $BUCKET/$PREFIX/"',
  `${MC} rm --recursive --force --older-than "\${RETENTION_DAYS}d" "backup/$BUCKET/$PREFIX/"`,
].join('\n');

const PREFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const IN_CLUSTER_HOST =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;

/**
 * A nightly consistent dump of a MySQL database to the object store: a CronJob whose pod streams
 * `mysqldump` (the server's own image) through gzip into `mc pipe` (the binary copied from the
 * pinned MinIO client image by an init container), then deletes dumps past retention. Runs are
 * never concurrent. `restoreCommand()` gives the way back; `README.md` explains it.
 */
/** A run that cannot start within this many seconds of its schedule waits for the next one. */
export const STARTING_DEADLINE_SECONDS = 3600;

export class DatabaseBackup extends Construct {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly schedule: string;
  public readonly timeZone: string;
  public readonly retentionDays: number;
  public readonly bucket: string;
  public readonly prefix: string;
  /** The databases dumped: the ones given, or every database of the server when it synthesizes. */
  public get databases(): readonly string[] {
    return this.listed ?? this.database.databases;
  }
  public readonly objectStoreCredentials: S3CredentialsRef;

  private readonly database: IDatabase;
  private readonly listed: readonly string[] | undefined;
  private readonly objectStore: IObjectStore;
  private readonly databaseCredentials: ReturnType<IDatabase['credentials']>;

  public constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const ns = props.namespace.name;
    this.database = props.database;
    this.objectStore = props.objectStore;
    this.namespaceName = ns;
    this.name = props.name ?? 'mysql-backup';
    this.schedule = props.schedule ?? '17 2 * * *';
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    this.retentionDays = props.retentionDays ?? 14;
    this.bucket = props.bucket ?? props.objectStore.buckets[0];
    this.prefix = props.prefix ?? `database-backups/${this.name}`;
    this.listed = props.databases ? [...props.databases] : undefined;
    this.objectStoreCredentials = props.objectStoreCredentials ?? props.objectStore.credentials;
    const backoffLimit = props.backoffLimit ?? 2;
    const activeDeadlineSeconds = props.activeDeadlineSeconds ?? 10800;

    throwIfProblems(`DatabaseBackup "${id}"`, [
      ...(DNS_LABEL.test(this.name) && this.name.length <= 52
        ? []
        : [
            propProblem(
              'name',
              'is not a DNS label of at most 52 characters (a CronJob name)',
              `"${this.name}"`,
              'Use a name such as mysql-backup.',
            ),
          ]),
      ...(props.database.engine === 'mysql'
        ? []
        : [
            propProblem(
              'database',
              'is not a MySQL database; the backup runs mysqldump',
              `"${props.database.engine}"`,
              'Back up a PostgreSQL database with its own tooling.',
            ),
          ]),
      ...(this.listed ? databaseNameProblems('databases', this.listed) : []),
      ...cronScheduleProblems('schedule', this.schedule),
      ...(Number.isInteger(this.retentionDays) &&
      this.retentionDays >= 1 &&
      this.retentionDays <= 3650
        ? []
        : [
            propProblem(
              'retentionDays',
              'is not a whole number of days from 1 to 3650',
              String(this.retentionDays),
              'Keep dumps for at least one day, e.g. 14.',
            ),
          ]),
      ...(props.objectStore.buckets.includes(this.bucket)
        ? []
        : [
            propProblem(
              'bucket',
              'is not one of the object store’s buckets',
              `"${this.bucket}"`,
              `Use one of: ${props.objectStore.buckets.join(', ')}.`,
            ),
          ]),
      ...(PREFIX.test(this.prefix) && !this.prefix.split('/').some((s) => s === '.' || s === '..')
        ? []
        : [
            propProblem(
              'prefix',
              'is not a key prefix of letters, digits, ".", "_", "-" separated by single "/", without "/" at either end',
              `"${this.prefix}"`,
              'Use a prefix of its own such as database-backups/mysql.',
            ),
          ]),
      ...(this.objectStoreCredentials.namespace === ns
        ? []
        : [
            propProblem(
              'objectStoreCredentials',
              `is in namespace ${this.objectStoreCredentials.namespace}, where the backup in ${ns} cannot read it`,
              `"${this.objectStoreCredentials.namespace}/${this.objectStoreCredentials.secretName}"`,
              `Give an access key pair in a Secret in ${ns}.`,
            ),
          ]),
      ...(Number.isInteger(backoffLimit) && backoffLimit >= 0
        ? []
        : [
            propProblem(
              'backoffLimit',
              'is not a whole number from 0',
              String(backoffLimit),
              'Use e.g. 2.',
            ),
          ]),
      ...(Number.isInteger(activeDeadlineSeconds) && activeDeadlineSeconds > 0
        ? []
        : [
            propProblem(
              'activeDeadlineSeconds',
              'is not a positive whole number',
              String(activeDeadlineSeconds),
              'Use e.g. 10800.',
            ),
          ]),
    ]);

    if (props.objectStoreCredentials) {
      Prerequisites.of(this).requireSecret({
        namespace: ns,
        name: props.objectStoreCredentials.secretName,
        keys: [
          props.objectStoreCredentials.accessKeyKey,
          props.objectStoreCredentials.secretKeyKey,
        ],
        purpose: `database backup ${this.name}`,
      });
    }

    const images = {
      mysql: props.images?.mysql ?? DATABASE_VERSIONS.mysql,
      mc: props.images?.mc ?? DATABASE_VERSIONS.mc,
    };
    const options: ComponentLabelOptions = {
      name: 'mysql',
      instance: this.name,
      component: 'backup',
      version: images.mysql.tag,
    };
    const labels = standardLabels(options);
    const selector = selectorLabels(options);
    const db = props.database.credentials(ns);
    this.databaseCredentials = db;
    const s3 = this.objectStoreCredentials;
    const tls = props.database.tls;
    const secretEnv = (name: string, ref: k8s.SecretKeySelector): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: ref },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: this.name, namespace: ns, labels },
      spec: {
        schedule: this.schedule,
        timeZone: this.timeZone,
        concurrencyPolicy: 'Forbid',
        // A run missed by more than an hour (controller down) waits for the next schedule.
        startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit,
            activeDeadlineSeconds,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: this.name,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                restartPolicy: 'Never',
                securityContext: restrictedPodSecurityContext({
                  runAsUser: MYSQL_UID,
                  runAsGroup: MYSQL_UID,
                  fsGroup: MYSQL_UID,
                }),
                initContainers: [
                  {
                    name: 'install-mc',
                    image: resolveImage(this, images.mc),
                    command: ['cp', '/usr/bin/mc', MC],
                    resources: toResourceRequirements(JOB_RESOURCES),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
                  },
                ],
                containers: [
                  {
                    name: 'backup',
                    image: resolveImage(this, images.mysql),
                    command: ['/bin/bash', '-c', BACKUP_SCRIPT],
                    env: [
                      { name: 'DB_HOST', value: props.database.host },
                      { name: 'DB_PORT', value: String(props.database.port) },
                      secretEnv('DB_USER', db.username),
                      secretEnv('DB_PASSWORD', db.password),
                      {
                        name: 'DB_SSL_MODE',
                        value: !tls.required
                          ? 'PREFERRED'
                          : tls.caSecret
                            ? 'VERIFY_CA'
                            : 'REQUIRED',
                      },
                      ...(tls.caSecret ? [{ name: 'DB_SSL_CA', value: CA_PATH }] : []),
                      {
                        name: 'DATABASES',
                        value: Lazy.any({ produce: () => this.databaseArgument() }) as string,
                      },
                      { name: 'S3_ENDPOINT', value: props.objectStore.endpointUrl },
                      secretEnv('S3_ACCESS_KEY', { name: s3.secretName, key: s3.accessKeyKey }),
                      secretEnv('S3_SECRET_KEY', { name: s3.secretName, key: s3.secretKeyKey }),
                      { name: 'BUCKET', value: this.bucket },
                      { name: 'PREFIX', value: this.prefix },
                      { name: 'RETENTION_DAYS', value: String(this.retentionDays) },
                      { name: 'HOME', value: '/tmp' },
                      { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
                    ],
                    resources: toResourceRequirements(props.resources ?? DATABASE_BACKUP_RESOURCES),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [
                      { name: 'tools', mountPath: '/tools', readOnly: true },
                      { name: 'tmp', mountPath: '/tmp' },
                      ...(tls.caSecret
                        ? [{ name: 'database-ca', mountPath: '/etc/database-ca', readOnly: true }]
                        : []),
                    ],
                  },
                ],
                volumes: [
                  { name: 'tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('128Mi') } },
                  {
                    name: 'tmp',
                    emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') },
                  },
                  ...(tls.caSecret
                    ? [
                        {
                          name: 'database-ca',
                          secret: {
                            secretName: tls.caSecret.name,
                            items: [{ key: tls.caSecret.key, path: 'ca.crt' }],
                          },
                        },
                      ]
                    : []),
                ],
              },
            },
          },
        },
      },
    });

    const peer = NetworkPeer.namespace(ns, selector);
    props.database.grantAccess(boundedName(['database-from', this.name], { max: 57 }), peer);
    props.objectStore.grantAccess(
      boundedName(['object-store-from', ns, this.name], { max: 57 }),
      peer,
    );

    if (props.monitoring) {
      props.monitoring.addAlerts(this, {
        id: boundedName([this.name, 'alerts'], { max: 63 }),
        namespace: ns,
        component: 'kubeflow-pipelines',
        alerts: backupAlerts({
          namespace: ns,
          cronJob: this.name,
          schedule: this.schedule,
          startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
          activeDeadlineSeconds,
        }),
      });
    }
  }

  /** The databases to dump, as the script's `--databases` list; none is an error. */
  private databaseArgument(): string {
    if (this.databases.length === 0) {
      throw new Error(
        `DatabaseBackup "${this.node.id}": ${propProblem(
          'databases',
          'is empty: no client declared a database on the server it backs up',
          undefined,
          'Name the databases to dump, or declare them with addDatabase().',
        )}`,
      );
    }
    return this.databases.join(' ');
  }

  /**
   * The restore procedure as a bash script for an operator's workstation with `kubectl`, `mc` and
   * `gunzip` (and `mysql` for an external database): it streams the newest dump (or `$DUMP`, an
   * `mc` path such as `backup/<bucket>/<prefix>/20260101T021700Z.sql.gz`) into the server. Each
   * dump drops and recreates its databases. Stop the database's clients first.
   */
  public restoreCommand(): string[] {
    const s3 = this.objectStoreCredentials;
    const store = IN_CLUSTER_HOST.exec(this.objectStore.host);
    const jsonPath = (key: string): string => `{.data.${key.replace(/\./g, '\\.')}}`;
    const secretText = (namespace: string, ref: k8s.SecretKeySelector): string =>
      `kubectl -n ${namespace} get secret ${ref.name} -o jsonpath='${jsonPath(ref.key)}' | base64 -d`;
    const secretValue = (namespace: string, ref: k8s.SecretKeySelector): string =>
      `"$(${secretText(namespace, ref)})"`;
    const localPort = 19000;
    const endpoint = store ? `http://127.0.0.1:${localPort}` : this.objectStore.endpointUrl;
    const lines = [
      'set -euo pipefail',
      'export MC_CONFIG_DIR="$(mktemp -d)"',
      ...(store
        ? [
            // The in-cluster store is reached through a port-forward to its Service.
            `kubectl -n ${store[3]} port-forward svc/${store[1]} ${localPort}:${this.objectStore.port} >/dev/null &`,
            'forward=$!',
            'trap \'kill "$forward"; rm -rf "$MC_CONFIG_DIR"\' EXIT',
            'sleep 3',
          ]
        : ['trap \'rm -rf "$MC_CONFIG_DIR"\' EXIT']),
      `mc alias set backup ${endpoint} ${secretValue(this.namespaceName, {
        name: s3.secretName,
        key: s3.accessKeyKey,
      })} ${secretValue(this.namespaceName, { name: s3.secretName, key: s3.secretKeyKey })} >/dev/null`,
      `DUMP="\${DUMP:-$(mc find backup/${this.bucket}/${this.prefix}/ --name '*.sql.gz' | sort | tail -n 1)}"`,
      'echo "Restoring $DUMP"',
    ];
    if (this.database instanceof ManagedMysql) {
      // Root, through the socket inside the server's pod; its password never leaves the pod.
      lines.push(
        `mc cat "$DUMP" | gunzip | kubectl -n ${this.database.namespaceName} exec -i ${MYSQL_NAMES.pod} -c ${MYSQL_NAMES.container} -- \\`,
        `  bash -c 'mysql --defaults-extra-file=<(printf "[client]\\nuser=root\\npassword=\\"%s\\"\\n" "$MYSQL_ROOT_PASSWORD") --socket=${MYSQL_SOCKET}'`,
      );
    } else {
      const creds = this.databaseCredentials;
      const tls = this.database.tls;
      const ssl = !tls.required
        ? '--ssl-mode=PREFERRED'
        : tls.caSecret
          ? `--ssl-mode=VERIFY_CA --ssl-ca=<(${secretText(this.namespaceName, tls.caSecret)})`
          : '--ssl-mode=REQUIRED';
      lines.push(
        `mc cat "$DUMP" | gunzip | mysql --defaults-extra-file=<(printf '[client]\\nuser="%s"\\npassword="%s"\\n' ${secretValue(
          this.namespaceName,
          creds.username,
        )} ${secretValue(this.namespaceName, creds.password)}) \\`,
        `  --host=${this.database.host} --port=${this.database.port} ${ssl}`,
      );
    }
    return lines;
  }
}
