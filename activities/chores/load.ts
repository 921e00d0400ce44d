/**
 * Every load goes the same way, a cycle's batch or a re-validation's verdicts: erased subjects and
 * rows without consent are screened out first, what is left is loaded under its loadId, and the load
 * is counted (cost, what the screen kept out) once, however often it is retried or re-read.
 */
import type { SourceKind } from '../../domain/connector';
import type { BatchRef, LoadResult } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import { loadEffectKey } from '../effect-keys';
import { screenBatches, type ScreenedLoadResult } from '../privacy/load-screen';
import { recordScreening } from '../privacy/screening-audit';
import type { SuppressionList } from '../privacy/suppression';
import type { Staging } from '../staging/staging';
import type { ConnectorRef, Counters } from '../store/audit';
import type { Store } from '../store/store';
import type { Warehouse } from '../warehouses/types';
import { utcDate } from './day';

export interface LoadRequest {
  connector: ConnectorRef;
  source: SourceKind;
  stream: StreamDefinition;
  loadId: string;
  clean: BatchRef | null;
  quarantine: BatchRef | null;
  /** Rows of erased subjects screened out before (by the quality gate), reported with this screen's. */
  suppressedBefore?: number;
  /**
   * Clean rows the quality gate withheld for want of consent as it wrote `clean`, reported with this
   * screen's; given, the consent screen is not run again (QualitySummary.withoutConsent).
   */
  withoutConsentBefore?: number;
  /**
   * The suppression list the quality gate screened `clean` and `quarantine` against, when it ran in
   * this worker: only subjects erased since are screened for, and with none the batches are not read
   * again. Absent: every listed subject is.
   */
  screenedAgainst?: SuppressionList;
}

export interface LoadSteps {
  /** Opens the warehouse for `load` and closes it after (withWarehouse, or a batch's connection). */
  open<T>(load: (warehouse: Warehouse) => Promise<T>): Promise<T>;
  /** Readies the stream's table before the load. */
  prepare(warehouse: Warehouse): Promise<void>;
  /** What follows the load before it is counted. */
  after?(warehouse: Warehouse, loaded: LoadResult): Promise<void>;
  /** The day's counters besides the load's cost, counted with it. */
  counters?(loaded: LoadResult): Counters;
}

export async function screenThenLoad(
  deps: { staging: Staging; store: Pick<Store, 'privacy' | 'recordOnce'>; now: () => Date },
  request: LoadRequest,
  steps: LoadSteps,
): Promise<ScreenedLoadResult> {
  const { connector, stream, loadId } = request;
  const area = `${connector.connectorId}/${stream.name}`;
  const listed = await deps.store.privacy.loadSuppressionList();
  const suppression = request.screenedAgainst ? listed.since(request.screenedAgainst) : listed;
  const screenedHere = await screenBatches(deps.staging, suppression, {
    area,
    stream,
    clean: request.clean,
    quarantine: request.quarantine,
    consentScreened: request.withoutConsentBefore !== undefined,
  });
  const screened = {
    ...screenedHere,
    suppressed: screenedHere.suppressed + (request.suppressedBefore ?? 0),
    withoutConsent: screenedHere.withoutConsent + (request.withoutConsentBefore ?? 0),
  };
  return steps.open(async (warehouse) => {
    await steps.prepare(warehouse);
    const loaded = await warehouse.load({
      connectorId: connector.connectorId,
      source: request.source,
      stream,
      loadId,
      // URIs: the worker's warehouses load through loadingPlainFiles, which makes them local plain files.
      cleanFile: screened.clean?.uri ?? null,
      quarantineFile: screened.quarantine?.uri ?? null,
    });
    await steps.after?.(warehouse, loaded);
    // Once per load: not again when a retry or a later cycle finds it in the ledger, yet still when
    // the attempt that loaded it died before counting.
    await deps.store.recordOnce(loadEffectKey(loadId), async (tx) => {
      const day = utcDate(deps.now());
      const cost = warehouse.estimateLoadCost({ rows: loaded.merged, bytes: request.clean?.bytes ?? 0 });
      await tx.metrics.add(connector, day, { costUsd: cost.amountUsd, ...steps.counters?.(loaded) });
      await recordScreening(tx.audit, { ...connector, stream: stream.name, loadId, date: day }, screened);
    });
    return { ...loaded, suppressed: screened.suppressed, withoutConsent: screened.withoutConsent };
  });
}
