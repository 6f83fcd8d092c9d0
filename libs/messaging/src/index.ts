// Public API of @edx/messaging. See libs/messaging/README.md.
export { AmqpConnection } from './connection/amqp-connection';
export type { AmqpOptions, TopologySetup } from './connection/amqp-connection';
export { brokerConnectionOf, certificateUser, tlsSocketOptions } from './connection/amqp-tls';
export type { AmqpTlsFiles } from './connection/amqp-tls';
export {
  Topology,
  StatusHeaders,
  DELIVERY_LIMIT,
  WORK_QUEUE_ARGUMENTS,
  assertSystemId,
  declareCoreTopology,
  declareSystemInbox,
  unbindAgencies,
} from './topology/topology';
export { ConfirmedPublisher } from './publisher/confirmed-publisher';
export type { ConfirmedPublisherOptions, PublishProperties } from './publisher/confirmed-publisher';
export { Outcome, DeadLetterHeaders } from './consumer/outcome';
export { Consumer } from './consumer/consumer';
export { markStages } from './consumer/stage-marks';
export { aboutPackage } from './consumer/about-package';
export type { BatchHandler, ConsumerOptions, InboundMessage } from './consumer/consumer';
export { BrokerAdmin, HUB_PERMISSIONS, escapeRegex, systemPermissions, systemUserName, systemUserPattern } from './admin/broker-admin';
export type { BrokerAdminOptions, BrokerConnectionInfo, BrokerPermissions } from './admin/broker-admin';
export { OutboxRelay } from './outbox/outbox-relay';
export type { OutboxMessage, OutboxRelayOptions, OutboxStore } from './outbox/outbox-relay';
export { AmqpBatchContext, AmqpBatchTransport, RethrowRpcErrors } from './nest/amqp-batch.transport';
export type { AmqpTransportResources } from './nest/amqp-batch.transport';
export { DEV_BROKER_TLS_DIR, devBrokerTlsPaths, issueBrokerClientFiles, loadDevTransportCa } from './tls/dev-broker-tls';
export type { DevBrokerTlsPaths } from './tls/dev-broker-tls';
