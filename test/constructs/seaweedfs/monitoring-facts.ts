import { MetricFact } from '../../monitoring-checks';

/** SeaweedFS 4.00 metrics (weed/stats/metrics.go: namespace `SeaweedFS`, one registry `Gather`). */
export const SEAWEEDFS_METRIC_FACTS: Readonly<Record<string, MetricFact>> = {
  SeaweedFS_volumeServer_resource: {
    source:
      'weed/stats/metrics.go (VolumeServerResourceGauge, labels name, type); weed/storage/disk_location.go sets type all/used/free of each data directory',
  },
  process_start_time_seconds: {
    source: 'weed/stats/metrics.go (Gather registers collectors.NewProcessCollector)',
  },
};

/** weed/command/server.go at 4.00. */
export const SEAWEEDFS_SERVER_FLAG_FACTS = {
  /** `-metricsPort`, default 0: no metrics server. */
  metricsPort: '-metricsPort',
  /** `-metricsIp`, default `-ip.bind`, which defaults to `-ip` (the detected host address). */
  metricsIp: '-metricsIp',
  /** weed/stats/metrics.go StartMetricsServer: the handler path. */
  path: '/metrics',
} as const;
