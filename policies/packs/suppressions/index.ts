export * from './pack';
export * from './rules';
