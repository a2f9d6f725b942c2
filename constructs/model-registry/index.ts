export * from './catalog';
export * from './catalog-sources';
export * from './database';
export * from './names';
export * from './registry';
export * from './storage-container';
export * from './ui';
export * from './versions';
