export * from './crd';
export * from './jupyter-web-app';
export * from './names';
export * from './notebook-controller';
export * from './rbac';
export * from './spawner-config';
export * from './versions';
export * from './component';
