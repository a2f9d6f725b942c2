export * from '../../constructs/core/config/problems';
export * from './platform-slice';
export * from './schema';
export * from './validate';
