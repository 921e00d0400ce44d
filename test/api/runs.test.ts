/**
 * Cycles through the API: starting one now, reading its report live and after it closed, and the
 * analysis of a connector. A stand-in 'ingestionCycle' (fixtures/) runs on this file's task queue.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { durationToMs } from '../../domain/durations';
import { searchAttributes } from '../../domain/constants';
import type { CycleReport, StreamReport } from '../../domain/cycle';
import { INGESTION_CYCLE_WORKFLOW } from '../../domain/messages';
import { streamReport } from '../store/fixtures';
import { eventually } from '../support/eventually';
import { uniqueName } from '../support/temporal';
import { finishCycleSignal } from './fixtures/messages';
import { CONNECTORS, connectorBody, createConnector, useApiWithStandIn, type ApiHarness } from './harness';

let api: ApiHarness;
useApiWithStandIn({ workflows: require.resolve('./fixtures/ingestion-cycle') }, (started) => (api = started));

const startedSchema = z.object({ workflowId: z.string(), runId: z.string() });
const runPath = (workflowId: string): string => `/api/v1/runs/${encodeURIComponent(workflowId)}`;

async function startRun(connectorId: string): Promise<z.infer<typeof startedSchema>> {
  const started = await api.call('POST', `${CONNECTORS}/${connectorId}/runs`);
  expect(started.status).toBe(202);
  return startedSchema.parse(started.body);
}

describe('POST /api/v1/data-warehouse-connector/:id/runs', () => {
  test("starts a cycle now, visible in Temporal under the connector's search attributes", async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));

    const response = await api.call('POST', `${CONNECTORS}/${connectorId}/runs`);
    expect(response.status).toBe(202);
    const { workflowId, runId } = startedSchema.parse(response.body);
    expect(workflowId).toMatch(new RegExp(`^cycle/${connectorId}/manual-`));
    expect(response.headers.get('location')).toBe(runPath(workflowId));

    const described = await api.client.workflow.getHandle(workflowId).describe();
    expect(described).toMatchObject({ type: INGESTION_CYCLE_WORKFLOW, taskQueue: api.taskQueue, runId });
    expect(described.typedSearchAttributes.get(searchAttributes.connectorId)).toBe(connectorId);
    expect(described.typedSearchAttributes.get(searchAttributes.source)).toBe('salesforce');

    const listed = await eventually('the run in a visibility query by ConnectorId', async () => {
      const ids: string[] = [];
      for await (const run of api.client.workflow.list({ query: `ConnectorId = "${connectorId}"` })) ids.push(run.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(listed).toEqual([workflowId]);

    const audit = await api.store.audit.list(connectorId);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ activityType: 'cycle.requested', details: expect.objectContaining({ workflowId }) }),
      ]),
    );
    await api.client.workflow.getHandle(workflowId).signal(finishCycleSignal, { stream: 'contact', loaded: 0 });
  });

  test('while a cycle of the connector runs, another is refused with 409 naming it; once it ended, one starts', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const first = await startRun(connectorId);
    // What the real cycle's planCycle does as it begins: claim the connector.
    await api.store.cycleClaims.claim(connectorId, first.workflowId);

    const refused = await api.call('POST', `${CONNECTORS}/${connectorId}/runs`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining(first.workflowId) } });
    const cycles: string[] = [];
    for await (const run of api.client.workflow.list({ query: `ConnectorId = "${connectorId}"` })) cycles.push(run.workflowId);
    expect(cycles).toEqual([first.workflowId]);

    // A holder that closed without releasing (failed, terminated) keeps nobody out.
    await api.client.workflow.getHandle(first.workflowId).signal(finishCycleSignal, { stream: 'contact', loaded: 0 });
    await api.client.workflow.getHandle(first.workflowId).result();
    const second = await startRun(connectorId);
    expect(second.workflowId).not.toBe(first.workflowId);
    await api.client.workflow.getHandle(second.workflowId).signal(finishCycleSignal, { stream: 'contact', loaded: 0 });
  });

  test('an unknown connector is a 404 and starts nothing', async () => {
    const unknownId = crypto.randomUUID();
    const response = await api.call('POST', `${CONNECTORS}/${unknownId}/runs`);
    expect(response).toMatchObject({ status: 404, body: { error: 'not_found', message: expect.stringContaining(unknownId) } });
  });
});

describe('GET /api/v1/runs/:workflowId', () => {
  test('answers from the live query while running, then from the result, then from the stored report', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const { workflowId, runId } = await startRun(connectorId);

    const live = await api.call('GET', runPath(workflowId));
    expect(live).toMatchObject({
      status: 200,
      body: {
        workflowId,
        runId,
        temporalStatus: 'RUNNING',
        reportSource: 'live-query',
        report: { connectorId, workflowId, status: 'running' },
      },
    });

    const loaded = randomInt(1, 100_000);
    const handle = api.client.workflow.getHandle(workflowId);
    await handle.signal(finishCycleSignal, { stream: 'lead', loaded });
    const result: CycleReport = await handle.result();

    // The id's slashes may also be given as path segments.
    const closed = await api.call('GET', `/api/v1/runs/${workflowId}`);
    expect(closed).toMatchObject({
      status: 200,
      body: {
        temporalStatus: 'COMPLETED',
        reportSource: 'workflow-result',
        report: { status: 'completed', streams: [{ stream: 'lead', loaded }] },
      },
    });

    await api.store.runs.save(result);
    const stored = await api.call('GET', runPath(workflowId));
    expect(stored).toMatchObject({ status: 200, body: { temporalStatus: 'COMPLETED', reportSource: 'store', report: result } });
  });

  test('a running cycle no worker answers for is reported without its live report', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const handle = await api.client.workflow.start(INGESTION_CYCLE_WORKFLOW, {
      taskQueue: uniqueName('nobody-polls'),
      workflowId: uniqueName(`cycle/${connectorId}/manual`),
      args: [{ connectorId, trigger: 'manual' }],
    });
    try {
      const response = await api.call('GET', runPath(handle.workflowId));
      expect(response).toMatchObject({
        status: 200,
        body: { temporalStatus: 'RUNNING', report: null, reportSource: 'none', detail: expect.stringContaining('no worker answered') },
      });
    } finally {
      await handle.terminate('test finished');
    }
  });

  test('a run only the store still knows is served from the store; an unknown one is a 404', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const report = cycleReport(connectorId, 'completed', new Date(Date.now() - 3_600_000), [streamReport('contact', { loaded: 5 })]);
    await api.store.runs.save(report);

    const fromStore = await api.call('GET', runPath(report.workflowId));
    expect(fromStore).toMatchObject({ status: 200, body: { temporalStatus: null, runId: null, reportSource: 'store', report } });

    const unknownId = `cycle/${crypto.randomUUID()}/manual-never`;
    const unknown = await api.call('GET', runPath(unknownId));
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found', message: expect.stringContaining(unknownId) } });
  });
});

describe('GET /api/v1/data-warehouse-connector/:id/analyze', () => {
  test("returns the figures of the stored runs, quality reports and cursors, plus the schedule's next runs", async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const hourAgo = new Date(Date.now() - 3_600_000);
    const runs = [
      cycleReport(connectorId, 'completed', hourAgo, [
        streamReport('contact', { loaded: randomInt(1, 1000), quarantined: randomInt(1, 50), apiCalls: 3 }),
        streamReport('lead', { loaded: randomInt(1, 1000), apiCalls: 2 }),
      ]),
      cycleReport(connectorId, 'failed', new Date(hourAgo.getTime() + 900_000), [
        streamReport('contact', { outcome: 'failed', apiCalls: 1 }),
      ]),
    ];
    for (const run of runs) await api.store.runs.save(run);
    const evaluated = 200;
    const nullEmails = randomInt(1, evaluated);
    await api.store.qualityReports.save({
      connectorId,
      stream: 'contact',
      batchSha256: 'a'.repeat(64),
      report: notNullResult('email', evaluated, nullEmails),
    });
    const cursor = { value: hourAgo.toISOString(), lastKey: '003000000000001' };
    await api.store.cursors.commit(connectorId, 'contact', cursor, null);

    const response = await api.call('GET', `${CONNECTORS}/${connectorId}/analyze`);

    expect(response.status).toBe(200);
    const all = runs.flatMap((run) => run.streams);
    const sum = (pick: (s: StreamReport) => number): number => all.reduce((total, s) => total + pick(s), 0);
    expect(response.body).toMatchObject({
      connectorId,
      rowsLoaded: sum((s) => s.loaded),
      rowsQuarantined: sum((s) => s.quarantined),
      apiCalls: sum((s) => s.apiCalls),
      runs: { total: 2, completed: 1, failed: 1, deferred: 0, blocked: 0 },
      lastSuccessAt: runs[0]?.finishedAt,
      quarantinedShareByRule: { 'not_null(email)': nullEmails / evaluated },
      streams: expect.arrayContaining([expect.objectContaining({ stream: 'contact', cursor })]),
      schedule: { paused: false, intervalSeconds: durationToMs('15m') / 1000 },
    });
    const { schedule } = z.object({ schedule: z.object({ nextRunTimes: z.array(z.iso.datetime()) }) }).parse(response.body);
    expect(schedule.nextRunTimes.length).toBeGreaterThan(0);
    expect(schedule.nextRunTimes.every((time) => Date.parse(time) > Date.now())).toBe(true);
  });

  test('an unknown connector is a 404', async () => {
    expect(await api.call('GET', `${CONNECTORS}/${crypto.randomUUID()}/analyze`)).toMatchObject({ status: 404 });
  });
});

function cycleReport(connectorId: string, status: CycleReport['status'], startedAt: Date, streams: StreamReport[]): CycleReport {
  return {
    workflowId: `cycle/${connectorId}/manual-${startedAt.toISOString()}`,
    connectorId,
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
    streams,
  };
}

/** One expectation's result in Great Expectations' shape, as the quality gate stores it. */
function notNullResult(column: string, elementCount: number, unexpectedCount: number): Record<string, unknown> {
  return {
    success: unexpectedCount === 0,
    results: [
      {
        success: unexpectedCount === 0,
        expectation_config: { type: 'expect_column_values_to_not_be_null', kwargs: { column } },
        result: { element_count: elementCount, unexpected_count: unexpectedCount },
      },
    ],
  };
}
