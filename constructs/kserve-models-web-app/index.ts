export * from './models-web-app';
export * from './names';
export * from './rbac';
export * from './upgrade';
export * from './versions';
