import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { SEAWEEDFS_NAMES } from './names';

/** Free space, in percent of the data volume, below which `ObjectStoreNearlyFull` fires. */
export const SEAWEEDFS_DEFAULT_FREE_SPACE_PERCENT = 15;

/**
 * The flags that make `weed server` serve Prometheus metrics (weed/command/server.go: `-metricsPort`
 * is 0, off, by default; `-metricsIp` defaults to `-ip.bind`, then `-ip`, the pod's address, where
 * the sidecar's agent, which asks localhost, would not find it).
 * @internal
 */
export function seaweedFsMetricsArgs(): string[] {
  return [`-metricsPort=${SEAWEEDFS_NAMES.metricsPort}`, '-metricsIp=0.0.0.0'];
}

/** @internal */
export interface SeaweedFsMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly statefulSet: ApiObject;
  readonly freeSpacePercent: number;
}

/**
 * SeaweedFS's metrics (master, volume server, filer and S3 of the one `weed server` process share
 * one registry), read by Prometheus through the sidecar: the pods are meshed. The metrics port
 * has no Service and no network allow; only the sidecar's agent reads it, from localhost.
 * @internal
 */
export function addSeaweedFsMonitoring(scope: Construct, opts: SeaweedFsMonitoringOptions): void {
  const { monitoring, namespace } = opts;
  const ns = namespace.name;
  const job = monitoring.scrape(scope, {
    id: 'seaweedfs',
    namespace,
    podLabels: opts.podLabels,
    port: { name: 'http-metrics', number: SEAWEEDFS_NAMES.metricsPort },
    path: '/metrics',
    meshed: { workload: opts.statefulSet },
    description: 'SeaweedFS: volume server disk, S3 and filer requests, master state',
  });
  const percent = opts.freeSpacePercent;
  const sts = SEAWEEDFS_NAMES.statefulSet;
  const disk = (type: string): string =>
    `sum(SeaweedFS_volumeServer_resource{${job.selector},type="${type}"})`;
  monitoring.addAlerts(scope, {
    id: 'object-store',
    namespace: ns,
    component: 'object-store',
    alerts: [
      {
        name: 'ObjectStoreDown',
        expr: `(sum(process_start_time_seconds{${job.selector}}) or vector(0)) == 0`,
        for: '5m',
        severity: 'critical',
        summary: 'SeaweedFS is down: pipelines, models and artifacts cannot be read or written.',
        description:
          'The SeaweedFS server reports no metrics (the sidecar answers, the server does not). ' +
          'Pipeline steps fail to store artifacts, model servers cannot load models.',
        runbook:
          `\`kubectl -n ${ns} get pods -l app.kubernetes.io/name=seaweedfs\` and \`kubectl -n ` +
          `${ns} describe statefulset ${sts}\` show the state; \`kubectl -n ${ns} logs ` +
          `statefulset/${sts} -c seaweedfs\` names the cause (a volume it cannot write, a full ` +
          `disk, the admin identity missing from Secret ${SEAWEEDFS_NAMES.adminCredentialsSecret}). ` +
          `A pod stuck Pending usually waits for its volume: \`kubectl -n ${ns} get pvc\`.`,
        metrics: ['process_start_time_seconds'],
      },
      {
        name: 'ObjectStoreNearlyFull',
        expr: `100 * ${disk('free')} / ${disk('all')} < ${percent}`,
        for: '30m',
        severity: 'warning',
        summary: `SeaweedFS has less than ${percent} % of its volume free ({{ $value | humanize }} %).`,
        description:
          'When the data volume is full, SeaweedFS cannot grow or create volumes and writes ' +
          'fail: pipeline runs fail to save artifacts and uploads of models fail.',
        runbook:
          'See what takes the space: `weed shell` in a Job of the platform (or ' +
          `\`kubectl -n ${ns} exec statefulset/${sts} -c seaweedfs -- weed shell\`) with ` +
          '`s3.bucket.list` and `volume.list`; old pipeline artifacts and noncurrent versions ' +
          '(SeaweedFS 4.00 never expires them) are the usual growth. Delete what is no longer ' +
          'needed (then `volume.vacuum` reclaims the space), or grow the volume: raise ' +
          `\`objectStore.storageGiB\` and expand the PVC \`data-${sts}-0\` (the storage class ` +
          'must allow expansion).',
        metrics: ['SeaweedFS_volumeServer_resource'],
      },
    ],
  });
}
