export * from './errors';
export * from './config';
export * from './logging';
export * from './http';
export * from './ids';
export * from './faults';
export * from './timing';
export * from './files/private-files';
