/**
 * Re-validating a quarantined batch with a changed expectation suite: rows that now pass are loaded
 * into the stream's table and leave the quarantine; rows that still fail stay, with their new reasons.
 *
 * A batch's quarantined rows form a lineage in the warehouse's quarantine table: first under the
 * batch's own loadId, then under the loadId of each re-validation that replaced them. A re-validation
 * judges the rows still in the lineage, loads its verdicts under a new loadId (clean rows merged,
 * failing rows appended with their reasons, one ledger row), and only then deletes the entries it
 * replaced. Each step is idempotent, so a retry after either one finishes the job.
 */
import type { SourceKind } from '../domain/connector';
import { loadIdFor } from '../domain/constants';
import type { BatchRef } from '../domain/cycle';
import { schemaChangesBetween } from '../domain/guardrails';
import type { QuarantineRevalidation, RevalidateQuarantineInput } from '../domain/messages';
import type { StreamDefinition } from '../domain/streams/types';
import { auditTrail, connectorOrFail, screenThenLoad, withWarehouse, type ConnectWarehouse } from './chores';
import { ConnectorError } from './errors';
import type { Logger } from './logger';
import {
  keyOf,
  parsed,
  quarantineLine,
  quarantineLineage,
  revalidatedPrefix,
  revalidationLoadId,
  storedReportMeta,
  suiteHashOf,
} from './quarantine-lineage';
import { uniqueBeyondBatch } from './quality/beyond-batch';
import { parseSuite } from './quality/suite';
import { validateBatch } from './quality/validate';
import { connectorStream } from './sources/connector-streams';
import type { Row } from './sources/types';
import type { Staging } from './staging/staging';
import type { Store } from './store/store';
import type { StreamSchemaRepository } from './store/stream-schemas';
import { QUARANTINE_TABLE_STREAM } from './warehouses/quarantine-stream';

/** What re-validation uses of the store. */
export type RevalidateStore = Pick<
  Store,
  'connectors' | 'qualityReports' | 'streamSchemas' | 'sourceCatalogs' | 'privacy' | 'audit' | 'recordOnce'
>;

export interface RevalidateActivityDeps {
  store: RevalidateStore;
  staging: Staging;
  connectWarehouse: ConnectWarehouse;
  logger: Logger;
  now?: () => Date;
}

/** What applying a re-validation loads, and the lineage entries it replaces. */
export interface RevalidationLoad {
  loadId: string;
  supersededLoadIds: string[];
  clean: BatchRef | null;
  quarantine: BatchRef | null;
}

type PlanInput = Omit<RevalidateQuarantineInput, 'requestedBy'>;
type PlannedFigures = Omit<QuarantineRevalidation, 'merged' | 'connectorId' | 'qualityReportId' | 'stream' | 'suiteName' | 'suiteHash'>;
export interface ApplyInput {
  connectorId: string;
  userId: string;
  source: SourceKind;
  stream: string;
  load: RevalidationLoad;
}
export interface RecordInput {
  result: QuarantineRevalidation;
  userId: string;
  requestedBy: string;
  workflowId: string;
}

export interface RevalidationPlan {
  userId: string;
  source: SourceKind;
  /** The outcome once `load` (when there is one) is applied; `merged` comes from the load. */
  result: Omit<QuarantineRevalidation, 'merged'>;
  load: RevalidationLoad | null;
}

export function createRevalidateActivities(deps: RevalidateActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const audit = auditTrail({ store: deps.store, logger: deps.logger, now });

  /** The staged quarantine and run time of a stored report; refuses what cannot be re-validated. */
  async function quarantinedBatchOf(connectorId: string, qualityReportId: string) {
    const stored = await deps.store.qualityReports.get(qualityReportId);
    if (!stored || stored.connectorId !== connectorId) {
      throw new ConnectorError('config', `qualityReportId: connector ${connectorId} has no quality report ${qualityReportId}`);
    }
    const { meta } = parsed(storedReportMeta, stored.report, `quality report ${qualityReportId}`);
    if (meta.quarantine === undefined) {
      throw new ConnectorError(
        'config',
        `quality report ${qualityReportId} predates stored quarantine references: its rows cannot be re-validated`,
      );
    }
    if (meta.quarantine === null) throw new ConnectorError('config', `quality report ${qualityReportId}: its batch quarantined no rows`);
    if (!(await deps.staging.exists(meta.quarantine))) {
      throw new ConnectorError('config', `quality report ${qualityReportId}: its quarantined rows are no longer in staging`);
    }
    return { stream: stored.stream, batchSha256: stored.batchSha256, quarantine: meta.quarantine, runTime: new Date(meta.run_time) };
  }

  /** The staged quarantine rows whose key is still in the lineage, written as a batch to judge again. */
  async function rowsStillQuarantined(
    connectorId: string,
    stream: StreamDefinition,
    quarantine: { uri: string },
    keys: Set<string | null>,
  ) {
    const records: Row[] = [];
    const found = new Set<string | null>();
    for await (const line of deps.staging.readBatch(quarantine)) {
      const { record } = parsed(quarantineLine, line, `staged quarantine ${quarantine.uri}`);
      const key = keyOf(record, stream.primaryKey);
      if (!keys.has(key)) continue;
      records.push(record);
      found.add(key);
    }
    // Applying would drop from the quarantine any row it cannot judge again.
    const missing = keys.size - found.size;
    if (missing > 0) {
      throw new ConnectorError('data', `${missing} keys quarantined in the warehouse are not in the staged quarantine ${quarantine.uri}`);
    }
    return deps.staging.writeBatch(`${connectorId}/${stream.name}/revalidation`, stream, records, null);
  }

  /** Judges the rows still quarantined with the new suite; stages the verdicts, returns figures and refs. */
  async function plan(input: PlanInput): Promise<RevalidationPlan> {
    const suite = parseSuite(input.suite);
    const suiteHash = suiteHashOf(suite);
    const connector = await connectorOrFail(deps.store.connectors, input.connectorId);
    const { source, destination } = connector.configuration;
    const original = await quarantinedBatchOf(input.connectorId, input.qualityReportId);
    const { stream } = await connectorStream(deps.store.sourceCatalogs, input.connectorId, source, original.stream);
    await refuseSchemaChange(deps.store.streamSchemas, input.connectorId, stream);
    const originalLoadId = loadIdFor(input.connectorId, stream.name, original.batchSha256);
    const planned = (figures: PlannedFigures, load: RevalidationLoad | null): RevalidationPlan => ({
      userId: connector.userId,
      source: source.kind,
      result: {
        connectorId: input.connectorId,
        qualityReportId: input.qualityReportId,
        stream: stream.name,
        suiteName: suite.name,
        suiteHash,
        ...figures,
      },
      load,
    });

    // One connection for the lineage and, when the suite needs it, the uniqueness lookups.
    return withWarehouse(deps.connectWarehouse, destination, async (warehouse) => {
      const lineage = await quarantineLineage(warehouse, destination.schema, originalLoadId);
      const loadIds = [...new Set(lineage.map((entry) => entry.load_id))];
      if (loadIds.length === 0) {
        return planned(
          { outcome: 'nothing-quarantined', evaluated: 0, released: 0, stillQuarantined: 0, failuresByRule: {}, loadId: null },
          null,
        );
      }

      const candidates = await rowsStillQuarantined(
        input.connectorId,
        stream,
        original.quarantine,
        new Set(lineage.map((entry) => entry.record_key)),
      );
      // A released row must not repeat a unique value the table has come to hold under another key.
      const { summary } = await validateBatch(
        { staging: deps.staging, warehouse: uniqueBeyondBatch(stream, suite).length > 0 ? warehouse : null },
        { area: `${input.connectorId}/${stream.name}`, stream, batch: candidates, suite, runTime: original.runTime },
      );
      const figures = {
        evaluated: summary.evaluated,
        released: summary.valid,
        stillQuarantined: summary.invalid,
        failuresByRule: summary.failuresByRule,
      };
      // The quarantine holds this suite's verdicts already: judging its own failures again changes nothing.
      const [current] = loadIds;
      if (loadIds.length === 1 && current?.startsWith(`${revalidatedPrefix(originalLoadId)}${suiteHash}/`)) {
        return planned({ outcome: 'already-applied', ...figures, loadId: current }, null);
      }
      const loadId = revalidationLoadId(originalLoadId, suiteHash, loadIds);
      return planned(
        { outcome: 'applied', ...figures, loadId },
        { loadId, supersededLoadIds: loadIds, clean: summary.clean, quarantine: summary.quarantine },
      );
    });
  }

  /** Loads the verdicts (ledger-guarded), then removes the lineage entries they replace. */
  async function apply(input: ApplyInput): Promise<{ merged: number }> {
    const { connectorId, load } = input;
    const connector = await connectorOrFail(deps.store.connectors, connectorId);
    const { stream } = await connectorStream(deps.store.sourceCatalogs, connectorId, connector.configuration.source, input.stream);
    // Released rows pass the same privacy screen as a cycle's: erased subjects and rows without consent stay out.
    const loaded = await screenThenLoad(
      { staging: deps.staging, store: deps.store, now },
      {
        connector: { connectorId, userId: input.userId },
        source: input.source,
        stream,
        loadId: load.loadId,
        clean: load.clean,
        quarantine: load.quarantine,
      },
      {
        open: (use) => withWarehouse(deps.connectWarehouse, connector.configuration.destination, use),
        // The bookkeeping tables a load writes (the tombstones may be newer than the stream's last cycle)
        // are made when the stream's table needs no change; a change is left for a cycle's guardrails.
        prepare: async (warehouse) => {
          if ((await warehouse.describeSchemaChanges(stream)).length === 0) await warehouse.ensureTable(stream);
        },
        // Only now: until the new verdicts are in, the replaced entries are the only record of these rows.
        // The Warehouse interface cannot touch the quarantine inside the load's transaction; load-then-delete keeps each step idempotent.
        after: async (warehouse) => {
          await warehouse.deleteWhere(QUARANTINE_TABLE_STREAM, { column: 'load_id', op: 'in', values: load.supersededLoadIds });
        },
        counters: ({ merged }) => ({ rowsLoaded: merged }),
      },
    );
    return { merged: loaded.merged };
  }

  /** Who asked, with which suite, and what it did: figures and rule labels, never values. */
  async function record(input: RecordInput): Promise<void> {
    const { result, userId, requestedBy, workflowId } = input;
    const { connectorId, evaluated, released, stillQuarantined, merged } = result;
    await audit.record(
      { connectorId, userId },
      {
        activityType: 'quarantine.revalidated',
        details: {
          requestedBy,
          workflowId,
          qualityReportId: result.qualityReportId,
          stream: result.stream,
          suiteName: result.suiteName,
          suiteHash: result.suiteHash,
          outcome: result.outcome,
          loadId: result.loadId,
          failuresByRule: result.failuresByRule,
        },
        metrics: { evaluated, released, stillQuarantined, merged },
      },
      {
        counters: { quarantineRevalidations: 1 },
        log: {
          level: 'info',
          fields: { connectorId, stream: result.stream, outcome: result.outcome, released, stillQuarantined },
          message: 'quarantine re-validated',
        },
      },
    );
  }

  // A bad suite or an unknown report fails as the error taxonomy says, mapped once by the worker's interceptor.
  return {
    planQuarantineRevalidation: plan,
    applyQuarantineRevalidation: apply,
    recordQuarantineRevalidation: record,
  };
}

/**
 * A re-validation loads outside a cycle's guardrail gate, so it must not carry a schema change past
 * it: the stream's table must have the columns the stream has now.
 */
async function refuseSchemaChange(schemas: StreamSchemaRepository, connectorId: string, stream: StreamDefinition): Promise<void> {
  const loaded = await schemas.get(connectorId, stream.name);
  if (loaded === null)
    throw new ConnectorError(
      'config',
      `stream ${stream.name} of connector ${connectorId} was never loaded: nothing is quarantined in the warehouse`,
    );
  const changes = schemaChangesBetween(loaded, stream.columns);
  if (changes.length > 0) {
    throw new ConnectorError(
      'config',
      `stream ${stream.name} changed since its last load (${changes.map((c) => `${c.column} ${c.change}`).join(', ')})`,
      'run a cycle first, so that the guardrails judge the schema change',
    );
  }
}
