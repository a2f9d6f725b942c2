/** Names other components and users look up. */
export const SEAWEEDFS_NAMES = {
  /** The S3 API (what clients use). */
  apiService: 'seaweedfs',
  /** Master and filer ports, for the platform's `weed shell` Jobs only. */
  adminService: 'seaweedfs-admin',
  headlessService: 'seaweedfs-headless',
  statefulSet: 'seaweedfs',
  serviceAccount: 'seaweedfs',
  adminCredentialsSecret: 'seaweedfs-admin-credentials',
  setupJob: 'seaweedfs-setup',
  /** The S3 identity with `Admin` rights (upstream's postStart names it so). */
  adminUser: 'kubeflow-admin',
  s3Port: 8333,
  masterPort: 9333,
  masterGrpcPort: 19333,
  filerPort: 8888,
  filerGrpcPort: 18888,
  /** Prometheus metrics of `weed server` (`-metricsPort`), only with monitoring. */
  metricsPort: 9327,
} as const;
