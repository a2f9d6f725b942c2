export * from './presets';
export * from './problems';
export * from './rules';
export * from './schema';
export * from './validate';
