export * from './test-database';
export * from './samples';
