/**
 * The age window an event must arrive in. Judged once, when the inbox takes the event, so a drain
 * delayed by a pause or an approval never turns a fresh event stale.
 */

import { quarantineReasonSchema, type InboxEventInput } from '../../store/inbox';

/** Events older than this when they arrive are kept, but quarantined with QUARANTINE_REASON_STALE. */
export const EVENT_WINDOW_SECONDS = 24 * 60 * 60;
/** Clock skew tolerated between SendGrid and us before an event counts as from the future. */
export const FUTURE_SKEW_SECONDS = 5 * 60;
export const QUARANTINE_REASON_STALE = quarantineReasonSchema.parse('timestamp outside the last 24 hours');

/** Seconds between the event and its arrival; negative for an event stamped in the future. */
export const ageAtReceiptSeconds = (eventUnixSeconds: number, receivedAt: Date): number =>
  Math.floor(receivedAt.getTime() / 1000) - eventUnixSeconds;

/** Null when the event is inside the window; otherwise why it goes to quarantine. */
export function quarantineReasonFor(eventUnixSeconds: number, receivedAt: Date): InboxEventInput['quarantineReason'] {
  const age = ageAtReceiptSeconds(eventUnixSeconds, receivedAt);
  return age > EVENT_WINDOW_SECONDS || age < -FUTURE_SKEW_SECONDS ? QUARANTINE_REASON_STALE : null;
}
