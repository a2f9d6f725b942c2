import { BillOfMaterials } from '../../../constructs/core/images';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import {
  BACKUP_SCRIPT,
  DATABASE_BACKUP_RESOURCES,
  DatabaseBackup,
  DatabaseBackupProps,
} from '../../../constructs/database/backup';
import { ExternalDatabase } from '../../../constructs/database/external';
import { DATABASE_VERSIONS } from '../../../constructs/database/versions';
import { MINIO_VERSIONS } from '../../../constructs/minio/versions';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { Obj, findObject } from '../../helpers';
import { env, externalS3, platform } from './helpers';

const S3_IN_MYSQL = {
  secretName: 'mysql-backup-s3',
  namespace: 'mysql',
  accessKeyKey: 'accessKey',
  secretKeyKey: 'secretKey',
};

/** A backup of the managed MySQL to MinIO, with an access key pair in the database's namespace. */
function build(props: Partial<DatabaseBackupProps> = {}) {
  const p = platform();
  const backup = new DatabaseBackup(p.chart, 'Backup', {
    database: p.mysql,
    namespace: p.mysqlNs,
    objectStore: p.minio,
    objectStoreCredentials: S3_IN_MYSQL,
    ...props,
  });
  const objects = p.synth();
  const cronJob = findObject(objects, 'CronJob', 'mysql', backup.name);
  const pod = cronJob.spec.jobTemplate.spec.template.spec as Obj;
  return { ...p, backup, objects, cronJob, pod, container: pod.containers[0] as Obj };
}

describe('DatabaseBackup', () => {
  test('defaults: daily at 02:17 UTC, 14 days, first bucket, own prefix, KFP databases', () => {
    const { backup, cronJob, container } = build();
    expect(backup.name).toBe('mysql-backup');
    expect(backup.schedule).toBe('17 2 * * *');
    expect(backup.timeZone).toBe('Etc/UTC');
    expect(backup.retentionDays).toBe(14);
    expect(backup.bucket).toBe('mlpipeline');
    expect(backup.prefix).toBe('database-backups/mysql-backup');
    expect(backup.databases).toEqual(['mlpipeline', 'metadb', 'cachedb']);
    expect(cronJob.spec).toMatchObject({
      schedule: '17 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({
      backoffLimit: 2,
      activeDeadlineSeconds: 10800,
    });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect(DATABASE_BACKUP_RESOURCES.cpu.limit).toBe('1');
  });

  test('images: the pinned mysql image dumps, the pinned mc binary (MinIO’s release) uploads', () => {
    const { chart, pod, container } = build();
    expect(container.image).toBe('docker.io/library/mysql:8.4.10');
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({
      name: 'install-mc',
      image: `quay.io/minio/mc:${MINIO_VERSIONS.client.tag}@${MINIO_VERSIONS.client.digest}`,
      command: ['cp', '/usr/bin/mc', '/tools/mc'],
      volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
    });
    expect(DATABASE_VERSIONS.mc).toEqual(MINIO_VERSIONS.client);
    expect(BillOfMaterials.of(chart).images()).toEqual(
      expect.arrayContaining([container.image, pod.initContainers[0].image]),
    );
  });

  test('the command: a consistent dump of each database, streamed through gzip, then retention', () => {
    const { container } = build();
    expect(container.command).toEqual(['/bin/bash', '-c', BACKUP_SCRIPT]);
    const script = container.command[2] as string;
    expect(script.split('\n')).toEqual([
      'set -euo pipefail',
      'umask 077',
      `printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$DB_USER" "$DB_PASSWORD" > /tmp/client.cnf`,
      'tls=(--ssl-mode="$DB_SSL_MODE")',
      'if [ -n "${DB_SSL_CA:-}" ]; then tls+=(--ssl-ca="$DB_SSL_CA"); fi',
      '/tools/mc alias set backup "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" >/dev/null',
      'key="$BUCKET/$PREFIX/$(date -u +%Y%m%dT%H%M%SZ).sql.gz"',
      'echo "Dumping $DATABASES from $DB_HOST:$DB_PORT to $key"',
      'mysqldump --defaults-extra-file=/tmp/client.cnf --host="$DB_HOST" --port="$DB_PORT" "${tls[@]}" \\',
      '  --single-transaction --routines --triggers --events --hex-blob --no-tablespaces --set-gtid-purged=OFF --add-drop-database --databases $DATABASES \\',
      '  | gzip -c | /tools/mc pipe "backup/$key.partial"',
      '/tools/mc mv "backup/$key.partial" "backup/$key"',
      'echo "Deleting objects older than $RETENTION_DAYS days under $BUCKET/$PREFIX/"',
      '/tools/mc rm --recursive --force --older-than "${RETENTION_DAYS}d" "backup/$BUCKET/$PREFIX/"',
    ]);
    // No credential in the script: they arrive in the environment.
    expect(script).not.toMatch(/mysql-credentials|mysql-backup-s3|rootPassword/);
  });

  test('the environment: where to dump from and to, credentials by reference only', () => {
    const { container } = build({ retentionDays: 30, bucket: 'mlpipeline', prefix: 'db/kfp' });
    const values = Object.fromEntries(
      (container.env as Obj[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
    );
    expect(values).toEqual({
      DB_HOST: 'mysql.mysql.svc.cluster.local',
      DB_PORT: '3306',
      DB_SSL_MODE: 'PREFERRED',
      DATABASES: 'mlpipeline metadb cachedb',
      S3_ENDPOINT: 'http://minio.minio.svc.cluster.local:9000',
      BUCKET: 'mlpipeline',
      PREFIX: 'db/kfp',
      RETENTION_DAYS: '30',
      HOME: '/tmp',
      MC_CONFIG_DIR: '/tmp/.mc',
    });
    const refs = Object.fromEntries(
      (container.env as Obj[])
        .filter((e) => e.valueFrom !== undefined)
        .map((e) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(refs).toEqual({
      DB_USER: { name: 'mysql-credentials', key: 'username' },
      DB_PASSWORD: { name: 'mysql-credentials', key: 'password' },
      S3_ACCESS_KEY: { name: 'mysql-backup-s3', key: 'accessKey' },
      S3_SECRET_KEY: { name: 'mysql-backup-s3', key: 'secretKey' },
    });
  });

  test('credentials resolve to Secrets that are generated or required before install', () => {
    const { chart, objects } = build();
    // The database user's Secret is generated in the backup's namespace ...
    const generator = findObject(objects, 'Job', 'mysql', 'mysql-credentials-generator');
    expect(
      (generator.spec.template.spec.containers[0].env as Obj[]).find(
        (e) => e.name === 'SECRET_NAME',
      )?.value,
    ).toBe('mysql-credentials');
    // ... and the object store's key pair is the user's, listed as a prerequisite.
    expect(
      Prerequisites.of(chart)
        .secrets()
        .map((s) => `${s.namespace}/${s.name}: ${s.keys.join(',')} (${s.purpose})`),
    ).toEqual(['mysql/mysql-backup-s3: accessKey,secretKey (database backup mysql-backup)']);
  });

  test('the object store’s own credentials are used when they are in the backup’s namespace', () => {
    const p = platform();
    const s3 = externalS3(p.chart, 'mysql');
    const backup = new DatabaseBackup(p.chart, 'Backup', {
      database: p.mysql,
      namespace: p.mysqlNs,
      objectStore: s3,
    });
    expect(backup.objectStoreCredentials).toBe(s3.credentials);
    expect(backup.bucket).toBe('platform-backups');
    const c = findObject(p.synth(), 'CronJob', 'mysql', 'mysql-backup').spec.jobTemplate.spec
      .template.spec.containers[0] as Obj;
    expect(env(c, 'S3_ACCESS_KEY')?.valueFrom.secretKeyRef).toEqual({
      name: 'backup-s3',
      key: 'AWS_ACCESS_KEY_ID',
    });
    expect(env(c, 'S3_ENDPOINT')?.value).toBe('https://s3.eu-west-1.amazonaws.com:443');
  });

  test('restricted: uid 999, read-only root, no token, every container with limits', () => {
    const { pod, objects } = build();
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod.initContainers, ...pod.containers] as Obj[]) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('mysql-backup');
    expect(findObject(objects, 'ServiceAccount', 'mysql', 'mysql-backup')).toBeDefined();
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tools', mountPath: '/tools', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
  });

  test('network: the backup pods may reach MySQL on 3306 and MinIO on 9000, nothing else', () => {
    const { objects, cronJob } = build();
    const podLabels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
    const peer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mysql' } },
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'mysql',
          'app.kubernetes.io/instance': 'mysql-backup',
          'app.kubernetes.io/component': 'backup',
        },
      },
    };
    expect(podLabels).toMatchObject(peer.podSelector.matchLabels);
    const db = findObject(objects, 'NetworkPolicy', 'mysql', 'allow-database-from-mysql-backup');
    expect(db.spec.ingress).toEqual([{ from: [peer], ports: [{ port: 3306, protocol: 'TCP' }] }]);
    const store = findObject(
      objects,
      'NetworkPolicy',
      'minio',
      'allow-object-store-from-mysql-mysql-backup',
    );
    expect(store.spec.ingress).toEqual([
      { from: [peer], ports: [{ port: 9000, protocol: 'TCP' }] },
    ]);
  });

  test('an external database over TLS with its CA: verified, CA mounted from its Secret', () => {
    const p = platform();
    const ns = new PlatformNamespace(p.chart, 'BackupNs', { name: 'backups' });
    const rds = new ExternalDatabase(p.chart, 'Rds', {
      version: '8.4',
      host: 'kfp.abc.eu-west-1.rds.amazonaws.com',
      tls: { required: true, caSecret: { name: 'rds-ca', key: 'ca.pem' } },
      credentials: { secretName: 'rds-kfp' },
    });
    for (const db of ['mlpipeline', 'metadb', 'cachedb']) rds.addDatabase(db);
    new DatabaseBackup(p.chart, 'Backup', {
      database: rds,
      namespace: ns,
      objectStore: externalS3(p.chart, 'backups'),
      name: 'rds-backup',
    });
    const pod = findObject(p.synth(), 'CronJob', 'backups', 'rds-backup').spec.jobTemplate.spec
      .template.spec as Obj;
    const c = pod.containers[0] as Obj;
    expect(env(c, 'DB_SSL_MODE')?.value).toBe('VERIFY_CA');
    expect(env(c, 'DB_SSL_CA')?.value).toBe('/etc/database-ca/ca.crt');
    expect(env(c, 'DB_USER')?.valueFrom.secretKeyRef).toEqual({ name: 'rds-kfp', key: 'username' });
    expect(c.volumeMounts).toContainEqual({
      name: 'database-ca',
      mountPath: '/etc/database-ca',
      readOnly: true,
    });
    expect((pod.volumes as Obj[]).find((v) => v.name === 'database-ca')?.secret).toEqual({
      secretName: 'rds-ca',
      items: [{ key: 'ca.pem', path: 'ca.crt' }],
    });
    expect(
      Prerequisites.of(p.chart)
        .secrets()
        .filter((s) => s.namespace === 'backups')
        .map((s) => s.name),
    ).toEqual(['backup-s3', 'rds-ca', 'rds-kfp']);
  });

  test('invalid props: every problem in one error', () => {
    const p = platform();
    const pg = new ExternalDatabase(p.chart, 'Pg', {
      engine: 'postgresql',
      version: '16',
      host: 'pg.example.com',
      credentials: { secretName: 'pg' },
    });
    expect(
      () =>
        new DatabaseBackup(p.chart, 'Backup', {
          database: pg,
          namespace: p.mysqlNs,
          objectStore: p.minio,
          name: 'Nightly',
          schedule: '0 25 * *',
          retentionDays: 0,
          bucket: 'backups',
          prefix: '/db/',
          databases: ['mlpipeline', 'sys'],
          backoffLimit: -1,
          activeDeadlineSeconds: 0,
        }),
    ).toThrow(
      [
        'DatabaseBackup "Backup": ',
        '- `name` is not a DNS label of at most 52 characters (a CronJob name) (got "Nightly"). Use a name such as mysql-backup.',
        '- `database` is not a MySQL database; the backup runs mysqldump (got "postgresql"). Back up a PostgreSQL database with its own tooling.',
        '- `databases[1]` names a system schema of MySQL (got "sys"). Name a database of the application.',
        '- `schedule` has 4 fields; a schedule has 5 (minute hour day-of-month month day-of-week) (got "0 25 * *"). Write five fields, e.g. "17 2 * * *" for 02:17 every day.',
        '- `retentionDays` is not a whole number of days from 1 to 3650 (got 0). Keep dumps for at least one day, e.g. 14.',
        '- `bucket` is not one of the object store’s buckets (got "backups"). Use one of: mlpipeline.',
        '- `prefix` is not a key prefix of letters, digits, ".", "_", "-" separated by single "/", without "/" at either end (got "/db/"). Use a prefix of its own such as database-backups/mysql.',
        '- `objectStoreCredentials` is in namespace minio, where the backup in mysql cannot read it (got "minio/minio-root-credentials"). Give an access key pair in a Secret in mysql.',
        '- `backoffLimit` is not a whole number from 0 (got -1). Use e.g. 2.',
        '- `activeDeadlineSeconds` is not a positive whole number (got 0). Use e.g. 10800.',
      ].join('\n'),
    );
  });

  test('a schedule with a bad field names the field', () => {
    const p = platform();
    expect(
      () =>
        new DatabaseBackup(p.chart, 'Backup', {
          database: p.mysql,
          namespace: p.mysqlNs,
          objectStore: p.minio,
          objectStoreCredentials: S3_IN_MYSQL,
          schedule: '0 2 * * 8',
        }),
    ).toThrow(
      'DatabaseBackup "Backup": `schedule` field 5 (day of week): "8" is outside 0-6 or SUN-SAT (got "0 2 * * 8"). Use 0-6 or names such as SUN, "*", lists (a,b), ranges (a-b) and steps (*/n).',
    );
  });

  test('a backup in a namespace the database does not share its credentials with is refused', () => {
    const p = platform();
    const ns = new PlatformNamespace(p.chart, 'BackupNs', { name: 'backups' });
    expect(
      () =>
        new DatabaseBackup(p.chart, 'Backup', {
          database: p.mysql,
          namespace: ns,
          objectStore: externalS3(p.chart, 'backups'),
        }),
    ).toThrow('`clientNamespaces` does not list the namespace that asks for the credentials');
  });

  test('the policy gate (production): no error, no warning from the backup', () => {
    const { objects } = build();
    const report = evaluate(objects as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed.map((f) => `${f.object.kind}/${f.object.name}`)).not.toContain(
      'CronJob/mysql-backup',
    );
  });
});
