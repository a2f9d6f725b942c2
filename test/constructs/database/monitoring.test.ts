import { Testing } from 'cdk8s';
import { cronMaxIntervalSeconds } from '../../../constructs/database/cron';
import { DatabaseBackup } from '../../../constructs/database/backup';
import {
  MYSQL_EXPORTER_GRANTS,
  MYSQLD_EXPORTER_UID,
  mysqlInitScript,
} from '../../../constructs/database/mysql';
import { MYSQL_NAMES } from '../../../constructs/database/names';
import { DATABASE_VERSIONS } from '../../../constructs/database/versions';
import { imageReference } from '../../../constructs/core/images';
import { FakeMonitoring } from '../../fakes';
import { Obj, findObject } from '../../helpers';
import { metricNames } from '../../promql';
import { env, platform } from './helpers';

/**
 * mysqld_exporter v0.20.0 facts: the image (`Makefile.common`, quay.io/prometheus), its user
 * (`Dockerfile`: USER nobody), the listen port (`mysqld_exporter.go`: `:9104`), the socket form
 * of `--mysqld.address` and the password variable (`config/config.go`), `mysql_up`
 * (`collector/exporter.go`) and `mysql_global_status_*` (`collector/global_status.go`).
 */
const EXPORTER = {
  image: 'quay.io/prometheus/mysqld-exporter:v0.20.0',
  port: 9104,
  passwordEnv: 'MYSQLD_EXPORTER_PASSWORD',
  socketPrefix: 'unix://',
  metrics: ['mysql_up', 'mysql_global_status_uptime'],
};
/** kube-state-metrics series of CronJobs and Jobs (docs/metrics/workload). */
const S3_IN_MYSQL = {
  secretName: 'mysql-backup-s3',
  namespace: 'mysql',
  accessKeyKey: 'accessKey',
  secretKeyKey: 'secretKey',
};
const KSM = [
  'kube_cronjob_status_last_successful_time',
  'kube_cronjob_created',
  'kube_job_status_failed',
  'kube_job_status_start_time',
];

function withMonitoring() {
  const monitoring = new FakeMonitoring();
  const built = platform({ monitoring });
  const backup = new DatabaseBackup(built.chart, 'Backup', {
    database: built.mysql,
    namespace: built.mysqlNs,
    objectStore: built.minio,
    objectStoreCredentials: S3_IN_MYSQL,
    schedule: '0 2 * * *',
    monitoring,
  });
  return { ...built, monitoring, backup, objects: built.synth() };
}

const on = withMonitoring();
const sts = findObject(on.objects, 'StatefulSet', 'mysql', 'mysql');
const containers = sts.spec.template.spec.containers as Obj[];
const exporter = containers.find((c) => c.name === MYSQL_NAMES.exporterContainer) as Obj;

describe('managed MySQL monitoring', () => {
  test('the exporter sidecar: upstream image, socket login as the exporter account, no probe', () => {
    expect(imageReference(DATABASE_VERSIONS.mysqldExporter)).toBe(EXPORTER.image);
    expect(exporter.image).toBe(EXPORTER.image);
    expect(exporter.args).toEqual([
      `--mysqld.address=${EXPORTER.socketPrefix}/var/run/mysqld/mysqld.sock`,
      '--mysqld.username=exporter',
      `--web.listen-address=:${EXPORTER.port}`,
    ]);
    expect(env(exporter, EXPORTER.passwordEnv)?.valueFrom).toEqual({
      secretKeyRef: { name: 'mysql-exporter-credentials', key: 'password' },
    });
    expect(exporter.ports).toEqual([
      { name: 'metrics', containerPort: EXPORTER.port, protocol: 'TCP' },
    ]);
    // An unready sidecar would take the server out of its Service.
    expect(exporter.readinessProbe).toBeUndefined();
    expect(exporter.securityContext).toMatchObject({
      runAsUser: MYSQLD_EXPORTER_UID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(exporter.resources.limits).toBeDefined();
    expect(exporter.volumeMounts).toEqual([{ name: 'run', mountPath: '/var/run/mysqld' }]);
  });

  test("the exporter's account: socket only, no table access, created by the init script", () => {
    expect(MYSQL_EXPORTER_GRANTS).toBe('PROCESS, REPLICATION CLIENT');
    const script = mysqlInitScript(['mlpipeline'], true);
    expect(script).toContain(
      "CREATE USER IF NOT EXISTS 'exporter'@'localhost' IDENTIFIED BY '$MYSQL_EXPORTER_PASSWORD' WITH MAX_USER_CONNECTIONS 3; GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'exporter'@'localhost';",
    );
    expect(mysqlInitScript(['mlpipeline'])).not.toContain('exporter');
    const init = findObject(on.objects, 'ConfigMap', 'mysql', 'mysql-init').data[
      'create-databases.sh'
    ];
    expect(init).toContain("'exporter'@'localhost'");
    const server = containers.find((c) => c.name === 'mysql') as Obj;
    expect(env(server, 'MYSQL_EXPORTER_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mysql-exporter-credentials', key: 'password' },
    });
  });

  test('scraped through the sidecar of the meshed pod; DatabaseDown on mysql_up or a vanished target', () => {
    const [target] = on.monitoring.targets;
    expect(target.id).toBe('mysql');
    expect(target.port).toEqual({ name: 'metrics', number: EXPORTER.port });
    expect(target.meshed?.workload.kind).toBe('StatefulSet');
    expect(sts.spec.selector.matchLabels).toEqual(target.podLabels);
    expect(sts.spec.template.metadata.annotations).toEqual({});
    const down = on.monitoring.alert('DatabaseDown');
    expect(down?.expr).toBe('(max(mysql_up{job="mysql",namespace="mysql"}) or vector(0)) == 0');
    expect(down?.severity).toBe('critical');
    expect(down?.runbook).toContain('kubectl -n mysql logs mysql-0 -c mysqld-exporter');
  });

  test('an unmeshed server is scraped on the exporter port directly', () => {
    const monitoring = new FakeMonitoring();
    platform({ monitoring, meshed: false });
    expect(monitoring.targets[0].meshed).toBeUndefined();
  });

  test('without monitoring the server is unchanged: no sidecar, no annotations, no exporter account', () => {
    const { synth } = platform();
    const o = synth();
    const s = findObject(o, 'StatefulSet', 'mysql', 'mysql');
    expect(s.spec.template.spec.containers).toHaveLength(1);
    expect(s.spec.template.metadata.annotations).toBeUndefined();
    expect(
      findObject(o, 'ConfigMap', 'mysql', 'mysql-init').data['create-databases.sh'],
    ).not.toContain('exporter');
  });
});

describe('backup alerts', () => {
  const failing = on.monitoring.alert('DatabaseBackupFailing');
  const notRun = on.monitoring.alert('DatabaseBackupNotRun');

  test('failing: a failed Job of the CronJob newer than its last success', () => {
    expect(failing?.expr).toBe(
      [
        'max(kube_job_status_start_time{namespace="mysql",job_name=~"mysql-backup-[0-9]+"} and on(namespace, job_name) (kube_job_status_failed{namespace="mysql",job_name=~"mysql-backup-[0-9]+"} > 0))',
        '> on() (max(kube_cronjob_status_last_successful_time{namespace="mysql",cronjob="mysql-backup"}) or vector(0))',
      ].join('\n'),
    );
  });

  test('not run: a day plus the starting (1h) and active (3h) deadlines for a daily schedule', () => {
    expect(notRun?.expr).toContain(
      'time() - max(kube_cronjob_status_last_successful_time{namespace="mysql",cronjob="mysql-backup"}) > 100800',
    );
    expect(notRun?.summary).toContain('more than 28h');
  });

  test('every metric read is kube-state-metrics or the exporter, and listed', () => {
    const known = new Set(['up', ...EXPORTER.metrics, ...KSM]);
    const alerts = on.monitoring.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.name).sort()).toEqual([
      'DatabaseBackupFailing',
      'DatabaseBackupNotRun',
      'DatabaseDown',
    ]);
    for (const a of alerts) {
      expect(a.metrics.length).toBeGreaterThan(0);
      for (const m of a.metrics) expect(known).toContain(m);
      const read = metricNames(a.expr);
      expect(read.length).toBeGreaterThan(0);
      for (const m of read) expect(a.metrics).toContain(m);
    }
  });

  test('no alerts without monitoring', () => {
    const { chart, mysql, mysqlNs, minio } = platform();
    const b = new DatabaseBackup(chart, 'Backup', {
      database: mysql,
      namespace: mysqlNs,
      objectStore: minio,
      objectStoreCredentials: S3_IN_MYSQL,
    });
    expect(b.name).toBe('mysql-backup');
    expect(Testing.synth(chart).some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });
});

describe('cronMaxIntervalSeconds', () => {
  test.each([
    ['0 2 * * *', 86400],
    ['*/15 * * * *', 900],
    ['0 */6 * * *', 21600],
    ['0 3 * * 0', 7 * 86400],
    ['0 2 * * 1-5', 3 * 86400],
    ['0 0 1 * *', 31 * 86400],
    ['30 1 1,15 * 5', 7 * 86400],
  ])('%s: at most %i seconds between runs', (schedule, seconds) => {
    expect(cronMaxIntervalSeconds(schedule)).toBe(seconds);
  });

  test('a schedule that runs once in two years has no interval', () => {
    expect(cronMaxIntervalSeconds('0 0 29 2 *')).toBeUndefined();
  });
});
