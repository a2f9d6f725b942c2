export * from './minio';
export * from './names';
export * from './versions';
export * from './tenant-access';
export * from './monitoring';
