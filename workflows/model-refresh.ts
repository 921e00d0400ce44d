/**
 * The models' step of a cycle and of a webhook drain round: after rows were loaded or deleted, the
 * destination's models whose sources changed are rebuilt (an activity taking the connector's id).
 */
import { ActivityFailure, log, patched } from '@temporalio/workflow';
import type { CycleReport } from '../domain/cycle';
import { control } from './activities';

/** Marks the histories in which a cycle refreshes the models; histories recorded before it replay without the step. */
export const REFRESH_MODELS_PATCH = 'refresh-customer-models';

/** Whether a cycle or a drain round changed a stream table the models may read. */
export const changedTables = (report: CycleReport): boolean => report.streams.some((stream) => stream.loaded > 0 || stream.deleted > 0);

/** Refreshes the models when the round changed a stream table. */
export async function refreshModelsAfterLoad(connectorId: string, report: CycleReport): Promise<void> {
  if (changedTables(report)) await refreshModels(connectorId);
}

/**
 * Refreshes the models. A refresh that still fails once its retries are spent is logged and left to
 * the next one: the rows are loaded either way, and every refresh rebuilds whatever changed since
 * the last one that succeeded.
 */
export async function refreshModels(connectorId: string): Promise<void> {
  if (!patched(REFRESH_MODELS_PATCH)) return;
  try {
    await control.refreshModels(connectorId);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('customer models not refreshed', { connectorId, reason: error.cause?.message ?? error.message });
  }
}
