export * from './config';
export * from './crds';
export * from './jobset';
export * from './names';
export * from './rbac';
export * from './upgrade';
export * from './versions';
