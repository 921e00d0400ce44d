/**
 * The inbox's own screen against the suppression list: an event about an erased subject is not
 * stored again, whether SendGrid redelivers one erasure already deleted or sends a new one. The load
 * path screens too (load-screen.ts); this keeps the address out of the inbox in the meantime.
 */
import type { SuppressionList } from '../../privacy/suppression';
import type { InboxDelivery } from '../../store/inbox';

export function withoutSuppressed(delivery: InboxDelivery, suppression: SuppressionList): { delivery: InboxDelivery; suppressed: number } {
  const events = delivery.events.filter((event) => event.email === null || !suppression.matches({ email: event.email }));
  return { delivery: { ...delivery, events }, suppressed: delivery.events.length - events.length };
}
