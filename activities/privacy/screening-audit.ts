/** What the load screen kept out, in the audit log and the day's metrics: counts only, never whose rows. */
import type { ControlPlaneStore } from '../store/types';
import type { ScreenedBatches } from './load-screen';

export async function recordScreening(
  store: Pick<ControlPlaneStore, 'appendActivity' | 'addMetrics'>,
  load: { connectorId: string; userId: string; stream: string; loadId: string; date: string },
  screened: Pick<ScreenedBatches, 'suppressed' | 'withoutConsent'>,
): Promise<void> {
  const { suppressed, withoutConsent } = screened;
  if (suppressed + withoutConsent === 0) return;
  await store.appendActivity({
    configId: load.connectorId,
    userId: load.userId,
    activityType: 'privacy.rows-screened',
    details: { stream: load.stream, loadId: load.loadId },
    metrics: { suppressed, withoutConsent },
  });
  await store.addMetrics(load.connectorId, load.userId, load.date, { rowsSuppressed: suppressed, rowsWithoutConsent: withoutConsent });
}
