/**
 * End to end, as a user drives it: API → Temporal → Salesforce simulator (real jsforce) → quality
 * gate → a warehouse, checked against the simulator's ground truth. One suite, run once per
 * destination by the *.e2e.test.ts files beside it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { openStore } from '../../activities/store';
import type { ControlPlaneStore } from '../../activities/store/types';
import { connectWarehouse } from '../../activities/warehouses';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import { startApiServer, type RunningServer } from '../../api/server';
import type { CreateConnectorBody, DestinationConfig } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import { startSalesforceSimulator, SIMULATOR_CREDENTIALS, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { createWorkers, runWorkers } from '../../worker/workers';
import { testEnv, uniqueName, workflowBundle } from '../support/temporal';

const CONTACTS = 3_000; // below the batch size, so the batch-wide uniqueness check sees every duplicate pair

/** A destination for one run of the suite: its config (schema `marketing`) and how to tear it down. */
export interface EndToEndDestination {
  config: DestinationConfig;
  stop(): Promise<void>;
}

export function describeEndToEnd(name: string, startDestination: () => Promise<EndToEndDestination>): void {
  describe(`Salesforce to ${name}, end to end`, () => defineSuite(startDestination));
}

function defineSuite(startDestination: () => Promise<EndToEndDestination>): void {
  let destination: EndToEndDestination;
  let env: TestWorkflowEnvironment;
  let simulator: SalesforceSimulator;
  let store: ControlPlaneStore;
  let dataDir: string;
  let workers: Worker[];
  let running: Promise<void>;
  let api: RunningServer;
  let connectorId: string;
  let adminKey: string;

  beforeAll(async () => {
    env = await testEnv();
    destination = await startDestination();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-e2e-'));
    simulator = await startSalesforceSimulator({ contacts: CONTACTS, deletedRate: 0, seed: 7 });
    store = await openStore({});
    const taskQueue = uniqueName('e2e');
    workers = await createWorkers({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', store, dataDir, taskQueue, workflowBundle: await workflowBundle() });
    running = runWorkers(workers);
    api = await startApiServer({ app: createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue }), port: 0 });
    adminKey = (await issueApiKey(store, { subject: 'e2e-admin', role: 'admin' }, 'end-to-end test')).key;

    const body: CreateConnectorBody = {
      userId: 'marketing-ops',
      name: 'Salesforce to DuckDB',
      status: 'active',
      configuration: {
        source: { kind: 'salesforce', loginUrl: simulator.url, auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS }, apiVersion: '59.0', streams: ['contact', 'lead', 'opportunity', 'campaign_member'], apiQuotaShare: 0.9, batchSize: 10_000 },
        destination: destination.config,
        guardrails: { maxInvalidShare: 0.25, schemaChangePolicy: 'approve' },
        schedule: { every: '1h' },
      },
    };
    const created = await call('POST', '/api/v1/data-warehouse-connector', body);
    expect(created.status).toBe(201);
    connectorId = z.object({ id: z.string() }).parse(created.body).id;
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers ?? []) worker.shutdown();
    await running;
    await api?.close();
    await Promise.all([store?.close(), simulator?.stop(), env?.teardown(), destination?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${api.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  }

  /** Starts a cycle through the API and polls its run until it is no longer running. */
  async function runCycle(): Promise<CycleReport> {
    const started = await call('POST', `/api/v1/data-warehouse-connector/${connectorId}/runs`, {});
    expect(started.status).toBe(202);
    const { workflowId } = z.object({ workflowId: z.string() }).parse(started.body);
    for (let i = 0; i < 600; i++) {
      const run = await call('GET', `/api/v1/runs/${encodeURIComponent(workflowId)}`);
      const view = z.object({ temporalStatus: z.string().nullable(), report: z.unknown() }).parse(run.body);
      if (view.temporalStatus !== 'RUNNING' && view.report) return view.report as CycleReport;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`cycle ${workflowId} did not finish in 120 s`);
  }

  async function warehouseRows(sql: string): Promise<Record<string, unknown>[]> {
    const warehouse = await connectWarehouse(destination.config, dataDir);
    try {
      return await warehouse.query(sql);
    } finally {
      await warehouse.close();
    }
  }

  const ids = (rows: Record<string, unknown>[], column = 'id') => rows.map((r) => String(r[column])).sort();

  /** Contacts who opted out of email never reach the marketing tables, however valid (consent). */
  const optedOut = (): Set<string> =>
    new Set(simulator.records('Contact').filter((r) => r.HasOptedOutOfEmail === true).map((r) => String(r.Id)));

  /** The quality rule each planted flaw must be caught by. */
  const ruleForFlaw: Record<string, string> = {
    'duplicate-customer-id': 'unique(customer_id)',
    'null-customer-id': 'not_null(customer_id)',
    'null-email': 'not_null(email)',
    'null-last-name': 'not_null(last_name)',
    'misaligned-email': 'match_regex(email)',
    'created-date-too-old': 'between(created_at)',
    'created-date-in-future': 'between(created_at)',
    inactive: 'in_set(is_active)',
  };

  test('the first cycle loads exactly the unique valid contacts and quarantines exactly the flawed ones, with reasons', async () => {
    const report = await runCycle();
    expect(report.status).toBe('completed');

    const truth = simulator.groundTruth('Contact');
    const withoutConsent = optedOut();
    const clean = truth.filter((t) => t.flaws.length === 0);
    const valid = clean.filter((t) => !withoutConsent.has(t.id)).map((t) => t.id).sort();
    const flawed = truth.filter((t) => t.flaws.length > 0);
    expect(flawed.length).toBeGreaterThan(0);
    expect(clean.length - valid.length).toBeGreaterThan(0);

    expect(ids(await warehouseRows('select id from marketing.salesforce_contact'))).toEqual(valid);
    const [counts] = await warehouseRows('select count(*) as n, count(distinct id) as distinct_ids from marketing.salesforce_contact');
    expect(counts).toEqual({ n: valid.length, distinct_ids: valid.length });

    const quarantined = await warehouseRows(
      "select record_key, reasons from marketing._ih_quarantine where stream = 'contact'",
    );
    expect(ids(quarantined, 'record_key')).toEqual(flawed.map((t) => t.id).sort());
    const reasonsById = new Map(quarantined.map((q) => [String(q.record_key), JSON.stringify(q.reasons)]));
    for (const { id, flaws } of flawed) {
      for (const flaw of flaws) expect(reasonsById.get(id)).toContain(ruleForFlaw[flaw]);
    }

    const contact = report.streams.find((s) => s.stream === 'contact');
    expect(contact).toMatchObject({ outcome: 'loaded', extracted: CONTACTS, loaded: valid.length, quarantined: flawed.length, withoutConsent: clean.length - valid.length });
    for (const stream of ['lead', 'opportunity', 'campaign_member']) {
      expect(report.streams.find((s) => s.stream === stream)?.outcome).toBe('loaded');
    }
  }, 120_000);

  test('a second cycle adds nothing', async () => {
    const before = await warehouseRows('select count(*) as n from marketing.salesforce_contact');
    const report = await runCycle();
    expect(report.status).toBe('completed');
    expect(report.streams.reduce((n, s) => n + s.extracted, 0)).toBe(0);
    expect(await warehouseRows('select count(*) as n from marketing.salesforce_contact')).toEqual(before);
  }, 120_000);

  test('a record deleted in Salesforce disappears from the warehouse', async () => {
    const withoutConsent = optedOut();
    const victim = simulator.groundTruth('Contact').find((t) => t.flaws.length === 0 && !withoutConsent.has(t.id));
    if (!victim) throw new Error('the simulated org has no valid contact');
    simulator.deleteRecord('Contact', victim.id);
    const report = await runCycle();
    expect(report.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', deleted: 1 });
    expect(await warehouseRows(`select id from marketing.salesforce_contact where id = '${victim.id}'`)).toEqual([]);
  }, 120_000);

  test('a throttling Salesforce delays the cycle, which then completes with every new row exactly once', async () => {
    const added = simulator.insertRecords('Contact', 50);
    simulator.clearRequests();
    simulator.throttle({ status: 429, times: 2, retryAfterSeconds: 1 });
    const report = await runCycle();
    expect(report.status).toBe('completed');
    expect(simulator.requests().filter((r) => r.status === 429)).toHaveLength(2);

    const truth = new Map(simulator.groundTruth('Contact').map((t) => [t.id, t]));
    const withoutConsent = optedOut();
    const expected = added.filter((id) => truth.get(id)?.flaws.length === 0 && !withoutConsent.has(id)).sort();
    const list = added.map((id) => `'${id}'`).join(',');
    const loaded = await warehouseRows(`select id, count(*) as n from marketing.salesforce_contact where id in (${list}) group by id`);
    expect(ids(loaded)).toEqual(expected);
    expect(loaded.every((row) => row.n === 1)).toBe(true);
  }, 120_000);

  test('the daily quota share ends the cycle deferred with cursors checkpointed; the next run resumes', async () => {
    const added = simulator.insertRecords('Contact', 20);
    const { max } = simulator.quota();
    simulator.setQuota({ used: Math.ceil(max * 0.95) });
    const deferred = await runCycle();
    expect(deferred.status).toBe('deferred');
    expect(deferred.streams.some((s) => s.outcome === 'deferred' && /quota/i.test(s.detail ?? ''))).toBe(true);

    // What the deferred cycle read was loaded and checkpointed: the next run does not read it again.
    expect(deferred.streams.find((s) => s.stream === 'contact')?.extracted).toBe(added.length);

    simulator.setQuota({ used: 0 });
    const resumed = await runCycle();
    expect(resumed.status).toBe('completed');
    expect(resumed.streams.find((s) => s.stream === 'contact')?.extracted).toBe(0);
    const list = added.map((id) => `'${id}'`).join(',');
    const truth = new Map(simulator.groundTruth('Contact').map((t) => [t.id, t]));
    const loaded = await warehouseRows(`select id from marketing.salesforce_contact where id in (${list})`);
    const withoutConsent = optedOut();
    expect(ids(loaded)).toEqual(added.filter((id) => truth.get(id)?.flaws.length === 0 && !withoutConsent.has(id)).sort());
  }, 120_000);

  test('analyze reports the figures the cycles produced', async () => {
    const analysis = await call('GET', `/api/v1/data-warehouse-connector/${connectorId}/analyze`);
    expect(analysis.status).toBe(200);
    const figures = z
      .object({ rowsLoaded: z.number(), rowsQuarantined: z.number(), runs: z.object({ total: z.number(), completed: z.number() }), freshnessSeconds: z.number().nullable() })
      .parse((analysis.body as { analysis?: unknown }).analysis ?? analysis.body);
    const [loadedContacts] = await warehouseRows('select count(*) as n from marketing._ih_quarantine');
    expect(figures.rowsQuarantined).toBe(loadedContacts?.n);
    expect(figures.runs.total).toBeGreaterThanOrEqual(6);
    expect(figures.freshnessSeconds).not.toBeNull();
    expect(figures.rowsLoaded).toBeGreaterThan(0);
  }, 60_000);
}
