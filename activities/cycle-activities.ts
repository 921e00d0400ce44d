/**
 * The activities of a cycle that touch only our own stores: plan, validate, load, commit, record.
 * Built from injected dependencies so tests can swap any of them.
 */
import type { SourceKind } from '../domain/connector';
import { loadIdFor } from '../domain/constants';
import type { BatchRef, CyclePlan, CycleReport, QualitySummary, StreamCursor } from '../domain/cycle';
import type { GuardrailBreach } from '../domain/guardrails';
import type { IngestionCycleInput } from '../domain/messages';
import { streamDefinition } from '../domain/sources';
import { Context } from '@temporalio/activity';
import { auditTrail, BatchConnections, connectorOrFail, screenThenLoad, type ConnectWarehouse, type Notifying } from './chores';
import { loadEffectKey } from './effect-keys';
import { claimConnector, isWorkflowRunning, type IsWorkflowRunning } from './cycle-claim';
import { ConnectorError } from './errors';
import { batchesBlocked } from './observability/metrics';
import { countCycle, countLoad } from './observability/record';
import type { Logger } from './logger';
import { uniqueBeyondBatch } from './quality/beyond-batch';
import { defaultSuiteFor } from './quality/suites';
import { validateBatch as runQualityGate } from './quality/validate';
import type { Staging } from './staging/staging';
import type { ScreenedLoadResult } from './privacy/load-screen';
import { accountTaskQueue } from './sources/accounts';
import type { SourcePlugin } from './sources/types';
import type { Store } from './store/store';
import type { Warehouse } from './warehouses/types';

/** What the cycle's activities use of the store. */
export type CycleStore = Pick<
  Store,
  'connectors' | 'cursors' | 'cycleClaims' | 'privacy' | 'qualityReports' | 'streamSchemas' | 'audit' | 'recordOnce'
>;

export interface CycleActivityDeps extends Notifying {
  store: CycleStore;
  staging: Staging;
  connectWarehouse: ConnectWarehouse;
  /** A batch's connection, shared with the gate's activities (one per worker); each activity opens its own without. */
  batchConnections?: BatchConnections;
  /** For the partitions each stream is read in. */
  plugins: Record<SourceKind, SourcePlugin>;
  logger: Logger;
  now?: () => Date;
  /** Whether another cycle holding the connector still runs; Temporal is asked by default. */
  isWorkflowRunning?: IsWorkflowRunning;
}

export function createCycleActivities(deps: CycleActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const isRunning = deps.isWorkflowRunning ?? isWorkflowRunning;
  const connections = deps.batchConnections ?? new BatchConnections(deps.connectWarehouse, 0);
  const audit = auditTrail({ store: deps.store, logger: deps.logger, now, notifier: deps.notifier });
  const thisWorkflowId = (): string => {
    const execution = Context.current().info.workflowExecution;
    if (!execution) throw new Error('planCycle runs only as an activity of an ingestion cycle');
    return execution.workflowId;
  };

  /** The connection of the batch (named by its loadId) on this worker; the load, its last step, lets it go. */
  async function withBatchWarehouse<T>(
    connectorId: string,
    loadId: string,
    use: (warehouse: Warehouse) => Promise<T>,
    last = false,
  ): Promise<T> {
    const connector = await connectorOrFail(deps.store.connectors, connectorId);
    return connections.use(loadId, connector.configuration.destination, use, { last });
  }

  return {
    /** The cycle's plan; it claims the connector, unless paused, so no other cycle of it runs meanwhile. */
    async planCycle(connectorId: string): Promise<CyclePlan> {
      const connector = await connectorOrFail(deps.store.connectors, connectorId);
      const { source, destination, guardrails, automationLevel, approvalPolicy } = connector.configuration;
      const paused = connector.status === 'paused' || automationLevel === 'paused';
      const otherCycle = paused ? null : await claimConnector(deps.store.cycleClaims, isRunning, connectorId, thisWorkflowId());
      // Control activities run on the workflow's queue, which account queues are named after.
      const extractQueue = accountTaskQueue(source, Context.current().info.taskQueue);
      return {
        connectorId,
        userId: connector.userId,
        source: source.kind,
        destination: destination.kind,
        streams: [...source.streams],
        guardrails,
        automationLevel,
        approvalPolicy,
        cursors: await deps.store.cursors.get(connectorId),
        partitions: Object.fromEntries(
          source.streams.map((stream) => [stream, [...(deps.plugins[source.kind].partitions?.(source, stream) ?? [])]]),
        ),
        batchSize: source.batchSize,
        paused,
        ...(otherCycle !== null && { otherCycle }),
        ...(extractQueue !== null && { extractQueue }),
      };
    },

    /**
     * Runs the stream's expectation suite, after screening out erased subjects, with uniqueness
     * checked against the warehouse too; stores the full report, returns figures and batch refs.
     * `earlier` and `keepHeld`: a dry run's read (see quality/beyond-batch.ts).
     */
    async validateBatch(input: {
      connectorId: string;
      source: SourceKind;
      batch: BatchRef;
      earlier?: BatchRef | null;
      keepHeld?: boolean;
    }): Promise<QualitySummary> {
      const stream = streamDefinition(input.source, input.batch.stream);
      const suite = defaultSuiteFor(input.source, stream.name);
      const suppression = await deps.store.privacy.loadSuppressionList();
      const gate = (warehouse: Warehouse | null) =>
        runQualityGate(
          { staging: deps.staging, warehouse, suppression },
          {
            area: `${input.connectorId}/${stream.name}`,
            stream,
            batch: input.batch,
            suite,
            runTime: now(),
            earlier: input.earlier ?? null,
            keepHeld: input.keepHeld ?? false,
          },
        );
      // Only a unique column beyond the key is looked up in the warehouse: no other suite opens it.
      const loadId = loadIdFor(input.connectorId, stream.name, input.batch.sha256);
      const { summary, report } =
        uniqueBeyondBatch(stream, suite).length > 0 ? await withBatchWarehouse(input.connectorId, loadId, gate) : await gate(null);
      const reportId = await deps.store.qualityReports.save({
        connectorId: input.connectorId,
        stream: stream.name,
        batchSha256: input.batch.sha256,
        // Where its quarantined rows are staged, so a manager can re-validate them with a changed suite.
        report: { ...report, meta: { ...report.meta, quarantine: quarantineRef(summary.quarantine) } },
      });
      return { ...summary, reportId };
    },

    /** Merges a validated batch; a loadId already in the warehouse's ledger changes nothing. */
    async loadBatch(input: {
      connectorId: string;
      userId: string;
      source: SourceKind;
      stream: string;
      loadId: string;
      clean: BatchRef | null;
      quarantine: BatchRef | null;
      /** Rows of erased subjects validateBatch screened out of this batch already (QualitySummary.suppressed). */
      suppressed?: number;
    }): Promise<ScreenedLoadResult> {
      const stream = streamDefinition(input.source, input.stream);
      const connector = { connectorId: input.connectorId, userId: input.userId };
      // Erased subjects and rows without consent never reach the table: screened out, counted in the result.
      // (The quality gate screened erased subjects already; this screen catches any erased since.)
      const startedAt = now();
      const loaded = await screenThenLoad(
        { staging: deps.staging, store: deps.store, now },
        {
          connector,
          source: input.source,
          stream,
          loadId: input.loadId,
          clean: input.clean,
          quarantine: input.quarantine,
          suppressedBefore: input.suppressed ?? 0,
        },
        {
          open: (load) => withBatchWarehouse(input.connectorId, input.loadId, load, true),
          prepare: async (warehouse) => {
            const notApplied = (await warehouse.ensureTable(stream)).filter((change) => !change.applied);
            if (notApplied.length === 0) return;
            // The table differs from the stream in ways the warehouse cannot apply safely (a dropped or
            // retyped column): the load goes on with the table as it is, and the audit says what differs, once per load.
            await deps.store.audit.record(
              connector,
              {
                activityType: 'schema.changes-not-applied',
                details: { stream: stream.name, changes: notApplied.map((change) => ({ ...change })) },
              },
              { key: `${loadEffectKey(input.loadId)}/schema-changes-not-applied` },
            );
          },
          after: () => deps.store.streamSchemas.save(input.connectorId, stream.name, stream.columns),
        },
      );
      if (!loaded.alreadyLoaded) countLoad(input, startedAt, now());
      return loaded;
    },

    /** Moves a cursor forward from the position this cycle committed last; never over a position it did not write. */
    async commitCursor(connectorId: string, stream: string, cursor: StreamCursor, previous: StreamCursor | null): Promise<void> {
      if (await deps.store.cursors.commit(connectorId, stream, cursor, previous)) return;
      throw new ConnectorError(
        'data',
        `the cursor of ${stream} moved since this cycle read it: another cycle of connector ${connectorId} committed it`,
        'its rows are loaded and newer versions kept; the next cycle reads on from the stored cursor',
      );
    },

    /** A blocked batch is never loaded: it stays in staging, and the block is audited and alerted. */
    async recordBlockedBatch(input: {
      plan: CyclePlan;
      stream: string;
      batch: BatchRef;
      quality: QualitySummary;
      breaches: GuardrailBreach[];
    }): Promise<void> {
      const { plan, stream, batch, quality, breaches } = input;
      await audit.record(
        plan,
        {
          activityType: 'batch.blocked',
          details: {
            stream,
            batch: batch.uri,
            sha256: batch.sha256,
            qualityReportId: quality.reportId,
            breaches,
            failuresByRule: quality.failuresByRule,
          },
          metrics: { rows: batch.rows, invalid: quality.invalid, invalidShare: quality.invalidShare },
        },
        {
          counters: { batchesBlocked: 1 },
          log: {
            level: 'warn',
            fields: { connectorId: plan.connectorId, stream, breaches },
            message: 'batch blocked by guardrails: not loaded',
          },
        },
      );
      batchesBlocked.inc({ connector_id: plan.connectorId, stream });
    },

    /** The run report, the day's metrics, the outcome and the audit row of a finished cycle. */
    async recordCycle(input: { report: CycleReport; userId: string; trigger: IngestionCycleInput['trigger'] }): Promise<void> {
      const { report, userId, trigger } = input;
      const totals = totalsOf(report);
      // Released first: the rest only counts, and a failure in it must not keep the connector's next cycle out.
      await deps.store.cycleClaims.release(report.connectorId, report.workflowId);
      const connector = { connectorId: report.connectorId, userId };
      await audit.record(
        connector,
        {
          activityType: `cycle.${report.status}`,
          details: {
            workflowId: report.workflowId,
            trigger,
            ...(report.detail && { detail: report.detail }),
            streams: report.streams.map(({ stream, outcome, detail }) => ({ stream, outcome, detail })),
          },
          metrics: totals,
        },
        {
          counters: {
            runs: 1,
            [`runs_${report.status}`]: 1,
            rowsExtracted: totals.extracted,
            rowsLoaded: totals.loaded,
            rowsDeleted: totals.deleted,
            rowsQuarantined: totals.quarantined,
            apiCalls: totals.apiCalls,
          },
          with: async (tx) => {
            await tx.runs.save(report);
            await tx.outcomes.record({
              ...connector,
              predicted: { rowsExtracted: totals.extracted },
              actual: { rowsLoaded: totals.loaded, rowsDeleted: totals.deleted, rowsQuarantined: totals.quarantined },
              accuracy: totals.extracted > 0 ? (totals.loaded + totals.deleted) / totals.extracted : null,
            });
          },
        },
      );
      countCycle(report);
    },
  };
}

const quarantineRef = (batch: BatchRef | null) => (batch ? { uri: batch.uri, sha256: batch.sha256, rows: batch.rows } : null);

function totalsOf(report: CycleReport) {
  const sum = (pick: (s: CycleReport['streams'][number]) => number) => report.streams.reduce((n, s) => n + pick(s), 0);
  return {
    extracted: sum((s) => s.extracted),
    loaded: sum((s) => s.loaded),
    deleted: sum((s) => s.deleted),
    quarantined: sum((s) => s.quarantined),
    apiCalls: sum((s) => s.apiCalls),
  };
}
