export * from './crd';
export * from './names';
export * from './versions';
export * from './webhook';
export * from './component';
export * from './config';
