export * from './crds';
export * from './knative-serving';
export * from './names';
export * from './rbac';
export * from './settings';
export * from './versions';
export * from './workloads';
