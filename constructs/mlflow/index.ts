export * from './db-upgrade';
export * from './kubeflow-roles';
export * from './rbac';
export * from './server';
export * from './versions';
