export { ingestionCycle } from './ingestion-cycle';
export { revalidateQuarantine } from './revalidate-quarantine';
export { erasureRequest } from './erasure-request';
export { retentionSweep } from './retention-sweep';
export { webhookDrain } from './webhook-drain';
export { credentialCheck } from './credential-check';
export { approvalReminder, notificationDelivery } from './notifications';
