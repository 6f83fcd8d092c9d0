export * from './bootstrap';
export * from './edx-exception.filter';
export * from './health';
export * from './send-error';
export * from './security-headers';
export * from './request-timeouts';
export * from './server-tls';
export * from './tls-fetch';
