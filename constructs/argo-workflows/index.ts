export * from './config';
export * from './crds';
export * from './names';
export * from './rbac';
export * from './versions';
export * from './workflow-controller';
