export * from './config';
export * from './names';
export * from './platform';
export * from './render';
