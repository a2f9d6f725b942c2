export * from './cert-manager';
export * from './core';
export * from './istio';
export * from './minio';
export * from './namespaces';
export * from './object-store';
export * from './tenant';
