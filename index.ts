export * from './constructs';
export * from './stacks';
export { toYaml, outputFiles, writeOutput } from './apps/cdk8s/output';
export type { OutputFile, WriteOptions } from './apps/cdk8s/output';
export { overridesReport, readEnvironmentFile, writeRendered } from './apps/cdk8s/synth';
export type { SynthResult } from './apps/cdk8s/synth';
