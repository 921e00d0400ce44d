/**
 * Drives the cycle workflow on the real test server with recording activity mocks, typed as the real
 * activities: the tests that use it are about orchestration, not I/O.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { createCycleActivities } from '../../activities/cycle-activities';
import type { createExtractActivities } from '../../activities/extract-activities';
import type { createBatchActivities } from '../../activities/batch-activities';
import type { createGateActivities } from '../../activities/gate-activities';
import type { createModelActivities } from '../../activities/models/model-activities';
import type { ApprovalResolution, PendingApproval } from '../../domain/approvals';
import { sourceTaskQueue } from '../../domain/constants';
import {
  cursorKey,
  type BatchRef,
  type CyclePlan,
  type CycleReport,
  type ExtractedPage,
  type QualitySummary,
  type StreamCursor,
} from '../../domain/cycle';
import { cycleReportOf } from '../../domain/cycle-failure';
import type { GateFigures, GuardrailBreach } from '../../domain/guardrails';
import { ingestionCycle } from '../../workflows';
import { workerInterceptors } from '../../worker/interceptors';
import type { TemporalHandle } from '../support/temporal';

type ControlActivities = ReturnType<typeof createCycleActivities> &
  ReturnType<typeof createGateActivities> &
  ReturnType<typeof createBatchActivities> &
  ReturnType<typeof createModelActivities>;

/** A stream's whole read as a scenario tells it: the harness serves it one page (one batch) at a time. */
export interface Extraction {
  /** A page's rows, one batch each; null for a page without rows (a bulk job's check). */
  batches: (BatchRef | null)[];
  /** Requests of the first page; `laterPageCalls` (default 0) those of each page after it. */
  apiCalls: number;
  laterPageCalls?: number;
  deferred: ExtractedPage['deferred'];
}
type ExtractActivities = ReturnType<typeof createExtractActivities>;

export const batch = (stream: string, n: number, rows = 100): BatchRef => ({
  uri: `file:///staging/${stream}/${n}.ndjson`,
  stream,
  rows,
  bytes: rows * 100,
  sha256: n.toString(16).padStart(64, '0'),
  schema: 'abc',
  cursorAfter: { value: `2026-01-0${n}T00:00:00.000Z`, lastKey: `id-${n}` },
});

export const quality = (b: BatchRef, invalid: number): QualitySummary => ({
  reportId: `report-${b.sha256.slice(-4)}`,
  evaluated: b.rows,
  valid: b.rows - invalid,
  invalid,
  deletes: 0,
  invalidShare: invalid / b.rows,
  failuresByRule: invalid ? { 'not_null(email)': invalid } : {},
  success: invalid === 0,
  clean: { ...b, uri: `${b.uri}.clean` },
  quarantine: invalid ? { ...b, uri: `${b.uri}.quarantine` } : null,
});

type LoadRequest = Parameters<ControlActivities['loadBatch']>[0];

/** A load's answer: every clean row merged; with the cursor committed or not, when the load was asked to commit it. */
export const loadedWhole = (req: LoadRequest, cursorCommitted: boolean) => ({
  loadId: req.loadId,
  alreadyLoaded: false,
  merged: req.clean?.rows ?? 0,
  deleted: 0,
  quarantined: 0,
  suppressed: 0,
  withoutConsent: 0,
  ...(req.commit && { cursorCommitted }),
});

/** The gate's figures that measuring a batch finds (BatchMeasure), as against the cycle's counters and the quality's. */
const MEASURED_FIGURES = new Set(['tableRows', 'schemaChanges', 'estimatedCostUsd']);

export const quietFigures = (q: QualitySummary, rowsThisCycle: number, apiCallsThisCycle: number): GateFigures => ({
  rowsThisCycle,
  evaluated: q.evaluated,
  invalid: q.invalid,
  invalidShare: q.invalidShare,
  deletes: q.deletes,
  tableRows: 1_000,
  schemaChanges: [],
  apiCallsThisCycle,
  apiCallsToday: apiCallsThisCycle,
  estimatedCostUsd: 0,
  costTodayUsd: 0,
});

export interface Scenario {
  plan?: Partial<CyclePlan>;
  /** Replaces the plan activity, e.g. to make it fail. */
  planCycle?: () => Promise<CyclePlan>;
  /** Called when a read (of a stream, or of one partition of it) starts, its first page; may throw, e.g. to throttle. */
  extract: (stream: string, attempt: number, partition: string | null) => Extraction | Promise<Extraction>;
  invalidRowsOf?: (b: BatchRef) => number;
  /** Figures the gate sees, over the quiet defaults. */
  figuresOf?: (b: BatchRef) => Partial<GateFigures>;
  /** Awaited before page `n` of a read (a stream, or `stream#partition`) is served, e.g. to hold it until a batch is loaded. */
  beforePage?: (read: string, n: number) => Promise<void>;
  /** Awaited as batch `n` of a stream starts loading, e.g. to hold the load until a page is read ahead. */
  beforeLoad?: (stream: string, n: number) => Promise<void>;
  /** Real activities in place of the mocks of the same name, or beside them (e.g. the notification workflows'). */
  activities?: Partial<ControlActivities> & object;
}

export interface Calls {
  /** Loads, commits and decisions in the order they happened: `load:contact/2`, `commit:contact/2`, `resolved:contact/2`. */
  events: string[];
  loads: string[];
  commits: string[];
  blocked: string[];
  alerts: GuardrailBreach[][];
  requested: PendingApproval[];
  resolved: ApprovalResolution[];
  extractAttempts: number[];
  /** Every page asked for, as `contact/2` (`contact#a/2` for partition a), in the order the reads were asked for. */
  pageReads: string[];
  recorded: CycleReport[];
}

export class CycleHarness {
  readonly calls: Calls = {
    events: [],
    loads: [],
    commits: [],
    blocked: [],
    alerts: [],
    requested: [],
    resolved: [],
    extractAttempts: [],
    pageReads: [],
    recorded: [],
  };
  readonly plan: CyclePlan;
  readonly taskQueue = `cycle-test-${randomUUID()}`;
  /** Makes the load of a batch fail for good; may be set while the cycle runs. */
  failLoadsOf: (b: BatchRef) => boolean = () => false;
  private readonly attempts = new Map<string, number>();

  constructor(
    /** The file's useTemporal(): its client, worker connection and workflow bundle. */
    private readonly temporal: TemporalHandle,
    private readonly scenario: Scenario,
  ) {
    this.plan = {
      connectorId: randomUUID(),
      userId: 'manager-1',
      source: 'salesforce',
      destination: 'duckdb',
      streams: ['contact', 'lead'],
      guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'approve' },
      automationLevel: 'approve-on-breach',
      approvalPolicy: { timeout: '1h', onTimeout: 'reject', approverRole: 'manager' },
      cursors: {},
      partitions: {},
      // Every page is a batch of its own, so the tests can name batches by page.
      batchSize: 1,
      paused: false,
      ...scenario.plan,
    };
  }

  get workflowId(): string {
    return `cycle/${this.plan.connectorId}/test`;
  }

  /** Starts the cycle; workers must be running (`startWorkers`) for it to progress. */
  start() {
    return this.temporal.client.workflow.start(ingestionCycle, {
      taskQueue: this.taskQueue,
      workflowId: this.workflowId,
      args: [{ connectorId: this.plan.connectorId, trigger: 'manual' }],
    });
  }

  /** Runs the workers in the background; the returned function stops them and waits. */
  async startWorkers(): Promise<() => Promise<void>> {
    const { nativeConnection: connection, namespace, bundle } = this.temporal;
    const workers = await Promise.all([
      Worker.create({
        connection,
        namespace,
        taskQueue: this.taskQueue,
        workflowBundle: bundle,
        activities: { ...this.controlActivities(), ...this.scenario.activities },
        interceptors: workerInterceptors,
      }),
      Worker.create({
        connection,
        namespace,
        taskQueue: sourceTaskQueue('salesforce', this.taskQueue),
        activities: this.extractActivities(),
        interceptors: workerInterceptors,
      }),
    ]);
    const running = Promise.all(workers.map((w) => w.run()));
    return async () => {
      for (const worker of workers) worker.shutdown();
      await running;
    };
  }

  /** Starts workers and the cycle, waits for its report, stops the workers. */
  async run(): Promise<CycleReport> {
    const stop = await this.startWorkers();
    try {
      return await cycleReportOf((await this.start()).result());
    } finally {
      await stop();
    }
  }

  private controlActivities(): ControlActivities {
    const { calls, scenario, plan } = this;
    // By the cycle's commitCursor, or by a load that commits its cursor itself.
    const commitCursor = (stream: string, cursor: StreamCursor) => {
      calls.events.push(`commit:${stream}/${cursor.lastKey.slice(-1)}`);
      calls.commits.push(`${stream}@${cursor.value}`);
    };
    return {
      planCycle: scenario.planCycle ?? (async () => plan),
      validateBatch: async ({ batch: b, measure }) => {
        const summary = quality(b, scenario.invalidRowsOf?.(b) ?? 0);
        // Figures only measuring gives come back with the quality's; others (the cycle's counters,
        // the quality's own) only measureBatch can stand in for, so that batch is measured by it.
        const figures = scenario.figuresOf?.(b) ?? {};
        const measured = Object.keys(figures).every((key) => MEASURED_FIGURES.has(key));
        if (!measure || !measured) return summary;
        const { tableRows, schemaChanges, estimatedCostUsd } = { ...quietFigures(summary, 0, 0), ...figures };
        return { ...summary, measure: { tableRows, schemaChanges, estimatedCostUsd, apiCallsRecordedToday: 0, costRecordedTodayUsd: 0 } };
      },
      measureBatch: async ({ batch: b, quality: q, rowsThisCycle, apiCallsThisCycle }) => ({
        ...quietFigures(q, rowsThisCycle, apiCallsThisCycle),
        ...scenario.figuresOf?.(b),
      }),
      loadBatch: async (req) => {
        const n = Number.parseInt(req.loadId.slice(-1), 16);
        await scenario.beforeLoad?.(req.stream, n);
        if (this.failLoadsOf(batch(req.stream, n))) {
          throw ApplicationFailure.create({ type: 'data-error', message: `batch ${n} does not fit the table`, nonRetryable: true });
        }
        calls.events.push(`load:${req.stream}/${n}`);
        calls.loads.push(req.loadId);
        if (req.commit) commitCursor(req.commit.key, req.commit.cursor);
        return loadedWhole(req, true);
      },
      commitCursor: async (_id, stream, cursor) => commitCursor(stream, cursor),
      recordBlockedBatch: async ({ stream, batch: b }) => void calls.blocked.push(`${stream}/${b.sha256.slice(-1)}`),
      recordGuardrailAlert: async ({ breaches }) => void calls.alerts.push(breaches),
      recordApprovalRequested: async (pending) => void calls.requested.push(pending),
      recordApprovalResolved: async ({ pending, resolution }) => {
        calls.events.push(`resolved:${pending.stream}/${pending.batch.sha256.slice(-1)}`);
        calls.resolved.push(resolution);
      },
      recordCycle: async ({ report }) => void calls.recorded.push(report),
      // The models' refresh is I/O on the warehouse (test/models); here it is a step that succeeds.
      refreshModels: async () => ({ rebuilt: [], unchanged: [] }),
      combinePages: async () => {
        throw new Error('with a batch size of 1 no batch spans pages');
      },
    };
  }

  private extractActivities(): ExtractActivities {
    const reads = new Map<string, Extraction>();
    return {
      // Plans here name no stream to describe: the cycle's shape is tested with fixed streams.
      describeStream: async () => {
        throw new Error('no stream of a harness plan is described');
      },
      extractPage: async ({ stream, partition, pageToken }) => {
        const key = cursorKey(stream, partition);
        if (pageToken === null) {
          const attempt = (this.attempts.get(key) ?? 0) + 1;
          this.attempts.set(key, attempt);
          this.calls.extractAttempts.push(Date.now());
          reads.set(key, await this.scenario.extract(stream, attempt, partition));
        }
        const read = reads.get(key);
        if (!read) throw new Error(`no read of ${key} was started`);
        const index = pageToken === null ? 0 : Number(pageToken);
        this.calls.pageReads.push(`${key}/${index + 1}`);
        await this.scenario.beforePage?.(key, index + 1);
        const last = index >= read.batches.length - 1;
        return {
          batch: read.batches[index] ?? null,
          nextPageToken: last ? null : String(index + 1),
          apiCalls: index === 0 ? read.apiCalls : (read.laterPageCalls ?? 0),
          deferred: last ? read.deferred : null,
        };
      },
    };
  }
}
