/** Names other components and users look up. */
export const MINIO_NAMES = {
  apiService: 'minio',
  consoleService: 'minio-console',
  headlessService: 'minio-headless',
  statefulSet: 'minio',
  serviceAccount: 'minio',
  rootCredentialsSecret: 'minio-root-credentials',
  /** With monitoring: the AuthorizationPolicy that refuses the metrics paths to every client. */
  metricsPolicy: 'minio-metrics-local-only',
  bucketProvisioner: 'minio-bucket-provisioner',
  apiPort: 9000,
  consolePort: 9001,
} as const;
