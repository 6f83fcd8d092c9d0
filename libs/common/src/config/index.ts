export * from './settings';
export * from './gateway-config';
export * from './verification-settings';
export * from './key-settings';
export * from './amqp-settings';
export * from './http-server-settings';
