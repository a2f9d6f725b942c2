import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { cronMaxIntervalSeconds } from './cron';
import { MYSQL_NAMES } from './names';

/** The job of the managed MySQL's exporter. */
export const MYSQL_METRICS_JOB = 'mysql';

/**
 * Series of mysqld_exporter v0.20.0 this component reads: `mysql_up` (1 when the exporter's
 * connection and ping succeed, `collector/exporter.go`, namespace `mysql`) and the uptime from
 * `SHOW GLOBAL STATUS` (`collector/global_status.go`: `mysql_global_status_<variable>`).
 */
export const MYSQL_EXPORTER_METRICS = {
  up: 'mysql_up',
  uptime: 'mysql_global_status_uptime',
} as const;

/**
 * kube-state-metrics series of a CronJob and its Jobs. The backup is a CronJob, which exports
 * nothing itself: whether it ran and succeeded is only known from the Kubernetes objects, which
 * kube-state-metrics (part of every kube-prometheus install) exports.
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/cronjob-metrics.md
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/job-metrics.md
 */
export const KUBE_STATE_METRICS = {
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  cronJobCreated: 'kube_cronjob_created',
  jobFailed: 'kube_job_status_failed',
  jobStartTime: 'kube_job_status_start_time',
} as const;

/** Scrapes the exporter and adds `DatabaseDown`. @internal */
export function mysqlMonitoring(
  scope: Construct,
  monitoring: IMonitoring,
  ctx: { namespace: INamespace; podLabels: Record<string, string>; workload?: ApiObject },
): ScrapeJob {
  const ns = ctx.namespace.name;
  const job = monitoring.scrape(scope, {
    id: MYSQL_METRICS_JOB,
    namespace: ctx.namespace,
    podLabels: ctx.podLabels,
    port: { name: 'metrics', number: MYSQL_NAMES.exporterPort },
    ...(ctx.workload ? { meshed: { workload: ctx.workload } } : {}),
    description: 'The managed MySQL server, through mysqld_exporter (global status and variables)',
  });
  const M = MYSQL_EXPORTER_METRICS;
  const pod = MYSQL_NAMES.pod;
  const alert: Alert = {
    name: 'DatabaseDown',
    expr: `(max(${M.up}{${job.selector}}) or vector(0)) == 0`,
    for: '5m',
    severity: 'critical',
    summary: 'The platform database (MySQL) does not answer.',
    description:
      'The exporter next to MySQL cannot log in and ping the server, or the pod is gone, for 5 minutes. Kubeflow Pipelines (API server, ML Metadata, cache) and every other client of the platform database fail their requests.',
    runbook: `Look at the server: \`kubectl -n ${ns} get pod ${pod}\`, \`kubectl -n ${ns} logs ${pod} -c ${MYSQL_NAMES.container}\` (a full volume or an InnoDB recovery shows there), \`kubectl -n ${ns} get pvc\`. If the server runs (\`kubectl -n ${ns} exec ${pod} -c ${MYSQL_NAMES.container} -- mysqladmin --protocol=tcp --host=127.0.0.1 ping\` says "mysqld is alive") but the alert fires, read the exporter: \`kubectl -n ${ns} logs ${pod} -c ${MYSQL_NAMES.exporterContainer}\`. "Access denied for user '${MYSQL_NAMES.exporterUser}'" means the server's data directory was initialised before monitoring was on, so its account was never created: create it as the README's "Monitoring" section shows. A pod that is not scheduled or stuck in Pending usually waits for its volume.`,
    metrics: [M.up],
  };
  monitoring.addAlerts(scope, {
    id: 'database',
    namespace: ns,
    component: 'kubeflow-pipelines',
    alerts: [alert],
  });
  return job;
}

/** Prometheus's form of a number of seconds in whole hours or minutes. */
function duration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.ceil(seconds / 60)}m`;
}

/** The backup's alerts, from kube-state-metrics series of its CronJob. @internal */
export function backupAlerts(ctx: {
  namespace: string;
  cronJob: string;
  schedule: string;
  startingDeadlineSeconds: number;
  activeDeadlineSeconds: number;
  /** Used when the schedule has no interval within two years. */
  fallbackIntervalSeconds?: number;
}): Alert[] {
  const K = KUBE_STATE_METRICS;
  const interval = cronMaxIntervalSeconds(ctx.schedule) ?? ctx.fallbackIntervalSeconds ?? 86400;
  // A run may start up to the starting deadline late and take up to its active deadline.
  const late = interval + ctx.startingDeadlineSeconds + ctx.activeDeadlineSeconds;
  const cron = `namespace="${ctx.namespace}",cronjob="${ctx.cronJob}"`;
  const jobs = `namespace="${ctx.namespace}",job_name=~"${ctx.cronJob}-[0-9]+"`;
  const ns = ctx.namespace;
  const find = `\`kubectl -n ${ns} get cronjob ${ctx.cronJob}\`, \`kubectl -n ${ns} get jobs --sort-by=.status.startTime | grep ${ctx.cronJob}\``;
  return [
    {
      name: 'DatabaseBackupFailing',
      expr: [
        `max(${K.jobStartTime}{${jobs}} and on(namespace, job_name) (${K.jobFailed}{${jobs}} > 0))`,
        `> on() (max(${K.cronJobLastSuccess}{${cron}}) or vector(0))`,
      ].join('\n'),
      for: '0m',
      severity: 'warning',
      summary: `The latest run of the database backup ${ctx.cronJob} failed.`,
      description: `A Job of the CronJob ${ctx.cronJob} failed after its retries, and no run succeeded since. The database has no fresh dump in the object store; a restore would lose what changed since the last good one.`,
      runbook: `Find the failed run: ${find}, then \`kubectl -n ${ns} logs job/<job> -c backup\`. Typical causes: the object store refuses the keys or the bucket is missing (mc errors), the database refuses the user (mysqldump "Access denied"), the run hit its deadline of ${duration(ctx.activeDeadlineSeconds)} on a large database, or the pod was OOMKilled (\`kubectl -n ${ns} describe pod -l job-name=<job>\`). After fixing, run one by hand: \`kubectl -n ${ns} create job --from=cronjob/${ctx.cronJob} ${ctx.cronJob}-manual\`. The alert clears when a run succeeds.`,
      metrics: [K.jobStartTime, K.jobFailed, K.cronJobLastSuccess],
    },
    {
      name: 'DatabaseBackupNotRun',
      expr: [
        `(time() - max(${K.cronJobLastSuccess}{${cron}}) > ${late})`,
        `or`,
        `(time() - max(${K.cronJobCreated}{${cron}}) > ${late} unless on() max(${K.cronJobLastSuccess}{${cron}}))`,
      ].join('\n'),
      for: '10m',
      severity: 'warning',
      summary: `The database backup ${ctx.cronJob} has not succeeded for more than ${duration(late)}.`,
      description: `The schedule "${ctx.schedule}" runs the backup at least every ${duration(interval)}; a run may start ${duration(ctx.startingDeadlineSeconds)} late and take ${duration(ctx.activeDeadlineSeconds)}. No run succeeded within that time: runs are failing, not started (CronJob suspended, controller missed the deadline) or stuck.`,
      runbook: `${find}; \`kubectl -n ${ns} describe cronjob ${ctx.cronJob}\` shows the last schedule time and events such as "Missed starting window". A suspended CronJob: \`kubectl -n ${ns} patch cronjob ${ctx.cronJob} -p '{"spec":{"suspend":false}}'\`. A run still active since the last schedule (concurrency Forbid blocks the next): look at its pod and logs. Failed runs: see DatabaseBackupFailing. Take a backup now with \`kubectl -n ${ns} create job --from=cronjob/${ctx.cronJob} ${ctx.cronJob}-manual\`.`,
      metrics: [K.cronJobLastSuccess, K.cronJobCreated],
    },
  ];
}
