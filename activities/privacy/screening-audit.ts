/** What the load screen kept out, in the audit log and the day's metrics: counts only, never whose rows. */
import type { AuditLog } from '../store/audit';
import type { ScreenedBatches } from './load-screen';

export async function recordScreening(
  audit: Pick<AuditLog, 'record'>,
  load: { connectorId: string; userId: string; stream: string; loadId: string; date: string },
  screened: Pick<ScreenedBatches, 'suppressed' | 'withoutConsent'>,
): Promise<void> {
  const { suppressed, withoutConsent } = screened;
  if (suppressed + withoutConsent === 0) return;
  await audit.record(
    load,
    {
      activityType: 'privacy.rows-screened',
      details: { stream: load.stream, loadId: load.loadId },
      metrics: { suppressed, withoutConsent },
    },
    { day: load.date, counters: { rowsSuppressed: suppressed, rowsWithoutConsent: withoutConsent } },
  );
}
