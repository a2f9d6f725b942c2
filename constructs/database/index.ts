export * from './backup';
export * from './cron';
export * from './external';
export * from './mysql';
export * from './names';
export * from './versions';
