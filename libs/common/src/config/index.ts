export * from './settings';
export * from './gateway-config';
