export * from './names';
export * from './seaweedfs';
export * from './tenant-access';
export * from './versions';
export * from './monitoring';
