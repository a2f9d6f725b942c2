export * from './config';
export * from './controller';
export * from './crds';
export * from './names';
export * from './rbac';
export * from './versions';
