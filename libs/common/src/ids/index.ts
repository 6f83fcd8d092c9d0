export * from './deterministic-uuid';
