export * from './defaults';
export * from './gateway-auth';
export * from './machine-to-machine';
export * from './monitoring';
export * from './names';
export * from './oauth2-proxy';
export * from './versions';
export * from './component';
