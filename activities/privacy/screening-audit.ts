/** What a screen kept out, in the audit log and the day's metrics: counts only, never whose rows. */
import type { AuditLog } from '../store/audit';
import type { ScreenedBatches } from './load-screen';

/**
 * Where rows were screened out: by a load (its id), or by a page's extraction, before a column that
 * names the subject was hashed or dropped (recorded once per activity, under `key`).
 */
export type ScreeningPlace = { loadId: string } | { extractedPage: true; key: string };

export async function recordScreening(
  audit: Pick<AuditLog, 'record'>,
  at: { connectorId: string; userId: string; stream: string; date: string } & ScreeningPlace,
  screened: Pick<ScreenedBatches, 'suppressed' | 'withoutConsent'>,
): Promise<void> {
  const { suppressed, withoutConsent } = screened;
  if (suppressed + withoutConsent === 0) return;
  const where = 'loadId' in at ? { loadId: at.loadId } : { screenedAt: 'extraction' };
  await audit.record(
    { connectorId: at.connectorId, userId: at.userId },
    {
      activityType: 'privacy.rows-screened',
      details: { stream: at.stream, ...where },
      metrics: { suppressed, withoutConsent },
    },
    {
      ...('key' in at ? { key: at.key } : {}),
      day: at.date,
      counters: { rowsSuppressed: suppressed, rowsWithoutConsent: withoutConsent },
    },
  );
}
