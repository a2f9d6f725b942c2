export * from './constructs';
export * from './stacks';
