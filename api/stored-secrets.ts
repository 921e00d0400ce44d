/** A PUT may send back what GET showed: each secret still "[redacted]" keeps the one stored. */
import { z } from 'zod';
import { keepRedactedSecrets } from '../domain/redaction';

/**
 * The body with each secret under `field` that is still the redaction marker given back its stored
 * value; validation then refuses the markers left with nothing to keep. A body without the field is
 * left as it was sent.
 */
export function withStoredSecrets(body: unknown, field: string, stored: unknown): unknown {
  const sent = z.looseObject({ [field]: z.unknown() }).safeParse(body);
  if (!sent.success || sent.data[field] === undefined) return body;
  return { ...sent.data, [field]: keepRedactedSecrets(sent.data[field], stored) };
}
