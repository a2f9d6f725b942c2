export * from './component';
export * from './config';
export * from './dashboards';
export * from './monitoring';
export * from './names';
export * from './platform';
export * from './rules';
export * from './runbooks';
