export * from './stage-clock';
