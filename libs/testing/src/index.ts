export * from './test-database';
// The shapes other producers send, for specs and scenarios outside libs/edxml.
export * from '../../edxml/src/testing/axis-shapes.fixtures';
