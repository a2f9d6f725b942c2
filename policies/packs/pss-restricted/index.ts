export * from './allow-privilege-escalation';
export * from './capabilities';
export * from './pack';
export * from './run-as-non-root';
export * from './run-as-user';
export * from './seccomp';
export * from './volume-types';
