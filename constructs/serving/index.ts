export * from './access';
export * from './component';
export * from './config';
export * from './inference-service';
