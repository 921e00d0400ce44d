/**
 * The activities of a cycle that touch only our own stores: plan, validate, load, commit, record.
 * Built from injected dependencies so tests can swap any of them.
 */
import type { SourceConfig, SourceKind } from '../domain/connector';
import { loadIdFor } from '../domain/constants';
import { personalActionsFor } from '../domain/personal-columns';
import type { BatchRef, CyclePlan, QualitySummary, StreamCursor } from '../domain/cycle';
import { isPushSource } from '../domain/sources';
import { Context } from '@temporalio/activity';
import { measureBatchFor } from './batch-measure';
import { auditTrail, BatchConnections, connectorOrFail, screenThenLoad, type ConnectWarehouse, type Notifying } from './chores';
import { loadEffectKey } from './effect-keys';
import { claimConnector, isWorkflowRunning, type IsWorkflowRunning } from './cycle-claim';
import { ConnectorError } from './errors';
import { countLoad } from './observability/record';
import { cycleRecords } from './cycle-records';
import type { Logger } from './logger';
import { uniqueBeyondBatch } from './quality/beyond-batch';
import { suiteForDiscoveredStream, suiteForPersonalColumns, suiteForStream } from './quality/suites';
import { validateBatch as runQualityGate } from './quality/validate';
import type { Staging } from './staging/staging';
import type { ScreenedLoadResult } from './privacy/load-screen';
import { GateScreenings } from './privacy/suppression';
import { accountTaskQueue } from './sources/accounts';
import { connectorStream, readsByCatalog, refreshCatalog } from './sources/connector-streams';
import type { SourcePlugin } from './sources/types';
import type { Store } from './store/store';
import type { Warehouse } from './warehouses/types';

/** What the cycle's activities use of the store. */
export type CycleStore = Pick<
  Store,
  | 'connectors'
  | 'cursors'
  | 'cycleClaims'
  | 'privacy'
  | 'qualityReports'
  | 'metrics'
  | 'streamSchemas'
  | 'sourceCatalogs'
  | 'audit'
  | 'recordOnce'
  | 'inbox'
>;

export interface CycleActivityDeps extends Notifying {
  store: CycleStore;
  staging: Staging;
  connectWarehouse: ConnectWarehouse;
  /** A batch's connection, shared with the gate's activities (one per worker); each activity opens its own without. */
  batchConnections?: BatchConnections;
  /** For the partitions each stream is read in, and the catalog of a source whose fields are the account's. */
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
  const screenings = new GateScreenings();
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

  /**
   * For a pushed source the batch's cursor is an inbox position: when the event at it was received.
   * Only a figure for the metric, so a failed read leaves it out rather than failing the load.
   */
  async function receivedAtOf(source: SourceKind, connectorId: string, clean: BatchRef | null): Promise<Date | null> {
    const position = clean?.cursorAfter?.value;
    if (!isPushSource(source) || position === undefined || !/^\d+$/.test(position)) return null;
    const [event] = await deps.store.inbox.read(connectorId, (BigInt(position) - 1n).toString(), 1).catch(() => []);
    return event !== undefined && BigInt(event.seq) === BigInt(position) ? new Date(event.receivedAt) : null;
  }

  /**
   * An account that refuses, throttles or has spent its quota on a describe leaves the catalog stored
   * last (or none: the fixed streams) for this cycle: each stream's read then meets the account's
   * answer where the cycle already handles it (retried after the server's wait, deferred on the daily
   * quota, a failed stream on refused credentials), rather than the plan failing the whole cycle.
   */
  async function refreshConnectorCatalog(connectorId: string, plugin: SourcePlugin, source: SourceConfig): Promise<void> {
    try {
      await refreshCatalog(deps.store.sourceCatalogs, connectorId, plugin, source, { signal: Context.current().cancellationSignal });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      deps.logger.warn(
        { connectorId, source: source.kind, category: error.category, error: error.message },
        "the account's catalog was not refreshed: this cycle reads by the one stored last",
      );
    }
  }

  return {
    /**
     * The cycle's plan; it claims the connector, unless paused, so no other cycle of it runs meanwhile.
     * A webhook drain of a polling source (`reader: 'webhook-drain'`, Zendesk) reads only the source's
     * webhook partition, under a cursor of its own, and loads where the latest version wins: it runs
     * beside the scheduled cycles and claims nothing. A cycle that holds the connector first asks a
     * source whose fields are the account's (Salesforce) for its catalog and stores it: every activity
     * of the cycle reads its streams by that catalog (sources/connector-streams.ts). Asked
     * `describeOnAccountQueue` by the workflow, a plug-in that can ask stream by stream leaves the
     * asking to the cycle (`describeStreams`): each stream's on the account's rate-limited queue,
     * counted in its apiCalls, rather than here, outside the queue and uncounted.
     */
    async planCycle(
      connectorId: string,
      reader: 'cycle' | 'webhook-drain' = 'cycle',
      options: { describeOnAccountQueue?: boolean } = {},
    ): Promise<CyclePlan> {
      const connector = await connectorOrFail(deps.store.connectors, connectorId);
      const { source, destination, guardrails, automationLevel, approvalPolicy } = connector.configuration;
      const paused = connector.status === 'paused' || automationLevel === 'paused';
      const plugin = deps.plugins[source.kind];
      const webhookPartition = reader === 'webhook-drain' ? plugin.webhookPartition : undefined;
      const otherCycle =
        paused || webhookPartition !== undefined
          ? null
          : await claimConnector(deps.store.cycleClaims, isRunning, connectorId, thisWorkflowId());
      const refreshes = !paused && otherCycle === null && reader === 'cycle' && readsByCatalog(source);
      const describesOnQueue = refreshes && options.describeOnAccountQueue === true && plugin.discoverStream !== undefined;
      if (refreshes && !describesOnQueue) await refreshConnectorCatalog(connectorId, plugin, source);
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
          source.streams.map((stream) => [
            stream,
            webhookPartition !== undefined ? [webhookPartition] : [...(plugin.partitions?.(source, stream) ?? [])],
          ]),
        ),
        batchSize: source.batchSize,
        paused,
        ...(otherCycle !== null && { otherCycle }),
        ...(extractQueue !== null && { extractQueue }),
        ...(describesOnQueue && { describeStreams: [...source.streams] }),
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
      /** Measure the batch for the guardrail gate in this step too (QualitySummary.measure): one step fewer per batch. */
      measure?: boolean;
    }): Promise<QualitySummary> {
      const connector = await connectorOrFail(deps.store.connectors, input.connectorId);
      const { stream, catalogStream } = await connectorStream(
        deps.store.sourceCatalogs,
        input.connectorId,
        connector.configuration.source,
        input.batch.stream,
      );
      const personal = personalActionsFor(connector.configuration.personalColumns, stream.name);
      const ownSuite = catalogStream ? suiteForDiscoveredStream(input.source, stream) : suiteForStream(input.source, stream);
      const suite = suiteForPersonalColumns(ownSuite, personal);
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
            // Written as the load takes them, so the load need not read the batch again for consent.
            screenConsent: true,
          },
        );
      // Only a unique column beyond the key is looked up in the warehouse: no other suite opens it.
      const loadId = loadIdFor(input.connectorId, stream.name, input.batch.sha256);
      const { summary, report } =
        uniqueBeyondBatch(stream, suite).length > 0 ? await withBatchWarehouse(input.connectorId, loadId, gate) : await gate(null);
      // A dry run's batches are never loaded.
      if (!input.keepHeld) screenings.remember(summary, suppression);
      const reportId = await deps.store.qualityReports.save({
        connectorId: input.connectorId,
        stream: stream.name,
        batchSha256: input.batch.sha256,
        // Where its quarantined rows are staged, so a manager can re-validate them with a changed suite.
        report: { ...report, meta: { ...report.meta, quarantine: quarantineRef(summary.quarantine) } },
      });
      const measured = { connector, stream, batch: input.batch, quality: summary };
      const measure = input.measure ? await measureBatchFor({ store: deps.store, connections, now }, measured) : undefined;
      return { ...summary, reportId, ...(measure && { measure }) };
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
      /** Clean rows validateBatch withheld for want of consent already (QualitySummary.withoutConsent). */
      withoutConsent?: number;
      /** The read's cursor to move once the batch is loaded, as commitCursor would: one step fewer per batch. */
      commit?: { key: string; cursor: StreamCursor; previous: StreamCursor | null };
    }): Promise<ScreenedLoadResult> {
      const { source } = (await connectorOrFail(deps.store.connectors, input.connectorId)).configuration;
      const { stream } = await connectorStream(deps.store.sourceCatalogs, input.connectorId, source, input.stream);
      const connector = { connectorId: input.connectorId, userId: input.userId };
      // Erased subjects and rows without consent never reach the table: screened out, counted in the result.
      // (The quality gate screened erased subjects already; this screen catches any erased since.)
      const startedAt = now();
      // Where this worker's quality gate screened the batch, only subjects erased since are screened for.
      const screenedAgainst = screenings.take(input);
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
          ...(input.withoutConsent !== undefined && { withoutConsentBefore: input.withoutConsent }),
          ...(screenedAgainst && { screenedAgainst }),
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
      if (!loaded.alreadyLoaded) countLoad(input, startedAt, now(), await receivedAtOf(input.source, input.connectorId, input.clean));
      if (!input.commit) return loaded;
      // False when another cycle moved the cursor: the workflow then asks commitCursor, which fails the stream saying so.
      const { key, cursor, previous } = input.commit;
      return { ...loaded, cursorCommitted: await deps.store.cursors.commit(input.connectorId, key, cursor, previous) };
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

    ...cycleRecords({ store: deps.store, audit }),
  };
}

const quarantineRef = (batch: BatchRef | null) => (batch ? { uri: batch.uri, sha256: batch.sha256, rows: batch.rows } : null);
