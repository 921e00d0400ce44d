/**
 * The age window an event must arrive in. Judged once, when the inbox takes the event, so a drain
 * delayed by a pause or an approval never turns a fresh event stale.
 */
import { EVENT_WINDOW_SECONDS, FUTURE_SKEW_SECONDS, QUARANTINE_REASON_STALE } from '../sources/sendgrid/definition';

/** Seconds between the event and its arrival; negative for an event stamped in the future. */
export const ageAtReceiptSeconds = (eventUnixSeconds: number, receivedAt: Date): number =>
  Math.floor(receivedAt.getTime() / 1000) - eventUnixSeconds;

/** Null when the event is inside the window; otherwise why it goes to quarantine. */
export function quarantineReasonFor(eventUnixSeconds: number, receivedAt: Date): string | null {
  const age = ageAtReceiptSeconds(eventUnixSeconds, receivedAt);
  return age > EVENT_WINDOW_SECONDS || age < -FUTURE_SKEW_SECONDS ? QUARANTINE_REASON_STALE : null;
}
