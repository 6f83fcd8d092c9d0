export * from './shared/database';
export * from './shared/database-url';
export * from './shared/sql-values';
export * from './hub';
export * from './gateway';
export * from './blobs';
