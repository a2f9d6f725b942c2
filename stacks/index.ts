export * from './components';
export * from './composition';
export * from './config';
export * from './names';
export * from './pipeline';
export * from './platform';
export * from './render';
export * from './access';
