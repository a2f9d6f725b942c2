export * from './config';
export * from './crds';
export * from './kserve';
export * from './names';
export * from './rbac';
export * from './versions';
export * from './serving-runtimes';
export * from './aggregated-roles';
