import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { MINIO_NAMES } from './names';

/** Free space, in percent of the usable capacity, below which `ObjectStoreNearlyFull` fires. */
export const OBJECT_STORE_DEFAULT_FREE_SPACE_PERCENT = 15;

/** MinIO's v2 cluster metrics (cmd/metrics-router.go: `/minio` + `/v2/metrics/cluster`). */
export const MINIO_CLUSTER_METRICS_PATH = '/minio/v2/metrics/cluster';

/**
 * Every metrics path MinIO serves (cmd/metrics-router.go): the legacy one, the v2 cluster, bucket,
 * node and resource endpoints and v3. With `MINIO_PROMETHEUS_AUTH_TYPE=public` all are open.
 */
const METRICS_PATHS = ['/minio/prometheus/*', '/minio/v2/metrics/*', '/minio/metrics/v3*'];

/** @internal */
export interface MinioMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly statefulSet: ApiObject;
  readonly labels: Readonly<Record<string, string>>;
  readonly freeSpacePercent: number;
}

/**
 * MinIO's metrics, read by Prometheus through the sidecar (the pods are meshed and mTLS is
 * STRICT). The sidecar's agent fetches `/minio/v2/metrics/cluster` from localhost without
 * credentials, so MinIO serves its metrics without its JWT (`MINIO_PROMETHEUS_AUTH_TYPE=public`,
 * set by the caller); the only other way in, the S3 port through the sidecar, refuses the metrics
 * paths to every client with an Istio DENY policy. The agent's request never passes the inbound
 * proxy, so the merged scrape still works, and the capacity figures do not reach tenants.
 * @internal
 */
export function addMinioMonitoring(scope: Construct, opts: MinioMonitoringOptions): void {
  const { monitoring, namespace } = opts;
  const ns = namespace.name;
  new ApiObject(scope, 'MetricsOnlyFromSidecar', {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: { name: MINIO_NAMES.metricsPolicy, namespace: ns, labels: { ...opts.labels } },
    spec: {
      selector: { matchLabels: { ...opts.podLabels } },
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: METRICS_PATHS } }] }],
    },
  });
  const job = monitoring.scrape(scope, {
    id: 'minio',
    namespace,
    podLabels: opts.podLabels,
    port: { name: 'http-api', number: MINIO_NAMES.apiPort },
    path: MINIO_CLUSTER_METRICS_PATH,
    meshed: { workload: opts.statefulSet },
    description: 'MinIO cluster metrics: capacity, nodes, S3 requests',
  });
  const percent = opts.freeSpacePercent;
  const sts = MINIO_NAMES.statefulSet;
  monitoring.addAlerts(scope, {
    id: 'object-store',
    namespace: ns,
    component: 'object-store',
    alerts: [
      {
        name: 'ObjectStoreDown',
        expr: `(sum(minio_cluster_nodes_online_total{${job.selector}}) or vector(0)) == 0`,
        for: '5m',
        severity: 'critical',
        summary: 'MinIO is down: pipelines, models and artifacts cannot be read or written.',
        description:
          'MinIO reports no online node (or no metrics at all). Pipeline steps fail to store ' +
          'artifacts, model servers cannot load models, notebooks lose their S3 access.',
        runbook:
          `\`kubectl -n ${ns} get pods -l app.kubernetes.io/name=minio\` and \`kubectl -n ${ns} ` +
          `describe statefulset ${sts}\` show the state; \`kubectl -n ${ns} logs ` +
          `statefulset/${sts} -c minio\` names the cause (a volume it cannot write, a full ` +
          `disk, root credentials missing from Secret ${MINIO_NAMES.rootCredentialsSecret}). A ` +
          `pod stuck Pending usually waits for its volume: \`kubectl -n ${ns} get pvc\`.`,
        metrics: ['minio_cluster_nodes_online_total'],
      },
      {
        name: 'ObjectStoreNearlyFull',
        expr:
          `100 * sum(minio_cluster_capacity_usable_free_bytes{${job.selector}}) / ` +
          `sum(minio_cluster_capacity_usable_total_bytes{${job.selector}}) < ${percent}`,
        for: '30m',
        severity: 'warning',
        summary: `MinIO has less than ${percent} % of its capacity free ({{ $value | humanize }} %).`,
        description:
          'When the volume is full, MinIO refuses writes: pipeline runs fail to save artifacts ' +
          'and uploads of models fail.',
        runbook:
          'See what takes the space: `mc du --depth 2 <alias>/<bucket>` with the root ' +
          `credentials of Secret ${MINIO_NAMES.rootCredentialsSecret} (the \`mc\` client the ` +
          'bucket provisioner Job runs) lists the prefixes; old pipeline artifacts and noncurrent versions ' +
          '(with versioning on) are the usual growth. Delete what is no longer needed, set ' +
          '`noncurrentVersionDays` on versioned buckets, or grow the volume: raise ' +
          `\`objectStore.storageGiB\` and expand the PVC \`data-${sts}-0\` (\`kubectl -n ${ns} ` +
          'edit pvc`; the storage class must allow expansion).',
        metrics: [
          'minio_cluster_capacity_usable_free_bytes',
          'minio_cluster_capacity_usable_total_bytes',
        ],
      },
    ],
  });
}
