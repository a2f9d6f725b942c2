export * from './crds';
export * from './defaults';
export * from './kubeflow-dashboard';
export * from './kubeflow-roles';
export * from './menu';
export * from './names';
export * from './rbac';
export * from './versions';
