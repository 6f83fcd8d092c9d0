export * from './error-codes';
export * from './edx-error';
