export * from './tenant';
export * from './component';
export * from './config';
