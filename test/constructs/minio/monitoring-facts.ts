import { MetricFact } from '../../monitoring-checks';

/**
 * MinIO RELEASE.2025-09-07T16-13-09Z v2 cluster metrics (cmd/metrics-v2.go: namespace
 * `minio_cluster`, subsystems `capacity_usable` and `nodes`, names `free_bytes`, `total_bytes`,
 * `online_total`, `offline_total`).
 */
export const MINIO_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  minio_cluster_capacity_usable_free_bytes: {
    source: 'cmd/metrics-v2.go (getClusterCapacityUsageFreeBytesMD)',
  },
  minio_cluster_capacity_usable_total_bytes: {
    source: 'cmd/metrics-v2.go (getClusterCapacityUsageBytesMD)',
  },
  minio_cluster_nodes_online_total: { source: 'cmd/metrics-v2.go (getNodeOnlineTotalMD)' },
  minio_cluster_nodes_offline_total: { source: 'cmd/metrics-v2.go (getNodeOfflineTotalMD)' },
};

/** cmd/metrics-router.go at the same release. */
export const MINIO_METRICS_ROUTER_FACTS = {
  authTypeEnv: 'MINIO_PROMETHEUS_AUTH_TYPE',
  /** `jwt` (the default) or `public`. */
  authTypes: ['jwt', 'public'],
  /** `minioReservedBucketPath` + `prometheusMetricsV2ClusterPath`. */
  clusterPath: '/minio/v2/metrics/cluster',
  /** The other paths under the same auth: legacy, v2 bucket/node/resource, v3. */
  otherPaths: [
    '/minio/prometheus/metrics',
    '/minio/v2/metrics/bucket',
    '/minio/v2/metrics/node',
    '/minio/v2/metrics/resource',
    '/minio/metrics/v3',
  ],
} as const;
