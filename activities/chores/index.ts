/**
 * The chores every activity does, each done one way in one place: find the connector or fail, open a
 * warehouse and close it (one connection per batch), screen a batch before it loads, count on the UTC
 * day, and audit an event once however often the activity is retried.
 */
export { auditTrail, type AuditTrail, type LogLine, type Notifying } from './audit';
export { connectorOrFail } from './connector';
export { utcDate } from './day';
export { screenThenLoad, type LoadRequest, type LoadSteps } from './load';
export { BatchConnections, withWarehouse, type BatchConnectionOptions, type ConnectWarehouse } from './warehouse';
