export * from './minio';
export * from './names';
export * from './versions';
