/** Names other components and users look up. */
export const MINIO_NAMES = {
  apiService: 'minio',
  consoleService: 'minio-console',
  headlessService: 'minio-headless',
  statefulSet: 'minio',
  serviceAccount: 'minio',
  rootCredentialsSecret: 'minio-root-credentials',
  bucketProvisioner: 'minio-bucket-provisioner',
  apiPort: 9000,
  consolePort: 9001,
} as const;
