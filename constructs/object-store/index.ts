export * from './external-s3';
export * from './object-store';
