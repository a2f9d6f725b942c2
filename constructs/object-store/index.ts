export * from './external-s3';
export * from './object-store';
export * from './component';
export * from './config';
