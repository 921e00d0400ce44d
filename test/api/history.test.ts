/**
 * The read side the dashboard and scripts share: the audit log, decisions, daily metrics and
 * outcomes as pages, scoped to what the caller may see; /analyze over a window with its daily series
 * from the roll-ups.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { startApiServer } from '../../api/server';
import { decision, pendingApproval, runReport, streamReport } from '../store/fixtures';
import { CONNECTORS, connectorBody, createConnector, request, useApiHarness } from './harness';

const api = useApiHarness();

const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const auditPage = pageOf(z.object({ connectorId: z.string(), activityType: z.string(), createdAt: z.string() }));
const metricsPage = pageOf(z.object({ connectorId: z.string(), date: z.string(), metrics: z.record(z.string(), z.number()) }));
const DAY_MS = 86_400_000;
const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

async function connectorOf(userId: string, credential?: string): Promise<string> {
  return createConnector(api, connectorBody(userId), credential);
}

describe('the audit log, metrics and outcomes as pages', () => {
  test('pages through the audit log newest first, every entry once, then says there is no next page', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    for (let i = 0; i < 5; i += 1) {
      await api.store.audit.record({ connectorId, userId: 'u' }, { activityType: `test.event-${i}`, details: { i } });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `connectorId=${connectorId}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const response = await api.call('GET', `/api/v1/audit-log?${query}`);
      expect(response.status).toBe(200);
      const page = auditPage.parse(response.body);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.activityType));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.filter((type) => type.startsWith('test.'))).toEqual([4, 3, 2, 1, 0].map((i) => `test.event-${i}`));
    expect(seen).toContain('connector.created');
  });

  test('a time window keeps the entries inside it; a bad cursor is a 400 naming it', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    const tomorrow = dayOf(new Date(Date.now() + DAY_MS));
    const future = await api.call('GET', `/api/v1/audit-log?connectorId=${connectorId}&from=${tomorrow}&to=${tomorrow}`);
    expect(auditPage.parse(future.body).items).toEqual([]);
    const today = await api.call('GET', `/api/v1/audit-log?connectorId=${connectorId}&from=${dayOf(new Date())}&to=${dayOf(new Date())}`);
    expect(auditPage.parse(today.body).items.map((item) => item.activityType)).toEqual(['connector.created']);
    const backwards = await api.call('GET', `/api/v1/audit-log?from=${dayOf(new Date())}&to=2020-01-01`);
    expect(backwards).toMatchObject({ status: 400, body: { issues: [{ path: 'from', rule: 'window_order' }] } });
    // A cursor of another list's shape: an audit page's key is a number.
    const foreign = await api.call('GET', `/api/v1/audit-log?cursor=${Buffer.from('["x"]').toString('base64url')}`);
    expect(foreign).toMatchObject({ status: 400, body: { issues: [{ path: 'cursor', rule: 'invalid_cursor' }] } });
    const bad = await api.call('GET', `/api/v1/audit-log?cursor=bm90LWEta2V5`);
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'cursor', rule: 'invalid_cursor' }] } });
  });

  test("a creative analyst reads their own connectors' history only, and is refused another's with 403", async () => {
    const analyst = `analyst-${randomUUID()}`;
    const analystKey = await api.keyFor('creative-analyst', analyst);
    const own = await connectorOf(analyst, analystKey);
    const other = await connectorOf(`user-${randomUUID()}`);
    await api.store.metrics.add({ connectorId: own, userId: analyst }, dayOf(new Date()), { runs: 2, rowsLoaded: 40 });
    await api.store.metrics.add({ connectorId: other, userId: 'x' }, dayOf(new Date()), { runs: 1 });

    const mine = metricsPage.parse((await api.call('GET', '/api/v1/metrics', undefined, analystKey)).body);
    expect(mine.items).toEqual([{ connectorId: own, date: dayOf(new Date()), metrics: { runs: 2, rowsLoaded: 40 } }]);
    const audit = auditPage.parse((await api.call('GET', '/api/v1/audit-log', undefined, analystKey)).body);
    expect(new Set(audit.items.map((item) => item.connectorId))).toEqual(new Set([own]));
    const refused = await api.call('GET', `/api/v1/outcomes?connectorId=${other}`, undefined, analystKey);
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining(other) } });

    const lead = await api.keyFor('campaign-lead');
    const all = metricsPage.parse((await api.call('GET', `/api/v1/metrics?limit=1000`, undefined, lead)).body);
    expect(all.items.map((item) => item.connectorId)).toEqual(expect.arrayContaining([own, other]));
  });

  test('outcomes come back with what was predicted against what happened', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    await api.store.outcomes.record({
      connectorId,
      userId: 'u',
      predicted: { rowsExtracted: 10 },
      actual: { rowsLoaded: 9 },
      accuracy: 0.9,
    });
    const response = await api.call('GET', `/api/v1/outcomes?connectorId=${connectorId}`);
    expect(response).toMatchObject({
      status: 200,
      body: { items: [{ connectorId, predicted: { rowsExtracted: 10 }, actual: { rowsLoaded: 9 }, accuracy: 0.9 }], nextCursor: null },
    });
  });
});

describe('decisions', () => {
  test('decided gates with their figures, breached guardrails and who decided, newest first; pending ones are not decisions', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    const gates = [3, 2, 1].map((hours) => pendingApproval({ connectorId, openedAt: new Date(Date.now() - hours * 3_600_000) }));
    for (const gate of gates) await api.store.approvals.saveRequest(gate);
    const [oldest, middle] = gates;
    if (!oldest || !middle) throw new Error('two gates expected');
    await api.store.approvals.saveResolution(decision(oldest, 'approve', 'ann'));
    await api.store.approvals.saveResolution(decision(middle, 'reject', 'bob'));

    const first = await api.call('GET', `/api/v1/decisions?connectorId=${connectorId}&limit=1`);
    expect(first).toMatchObject({
      status: 200,
      body: { items: [{ approvalId: middle.approvalId, resolution: { decision: 'reject', decidedBy: 'bob' } }] },
    });
    const cursor = z.object({ nextCursor: z.string() }).parse(first.body).nextCursor;
    const second = await api.call('GET', `/api/v1/decisions?connectorId=${connectorId}&limit=1&cursor=${cursor}`);
    expect(second).toMatchObject({
      status: 200,
      body: {
        items: [
          { approvalId: oldest.approvalId, request: { breaches: [{ guardrail: 'maxInvalidShare' }] }, resolution: { decidedBy: 'ann' } },
        ],
        nextCursor: null,
      },
    });
  });
});

describe('/analyze over a window', () => {
  test('sums the days asked for and returns one entry per day with runs', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
    for (const days of [40, 3, 3, 1]) {
      const report = runReport(connectorId, 'completed', daysAgo(days), [
        streamReport('contact', { extracted: 10, loaded: 10, apiCalls: 2 }),
      ]);
      await api.store.runs.save({ ...report, workflowId: `${report.workflowId}-${randomUUID()}` });
    }
    const all = await api.call('GET', `${CONNECTORS}/${connectorId}/analyze`);
    expect(all).toMatchObject({ status: 200, body: { rowsLoaded: 40, runs: { total: 4 }, window: { from: null } } });

    const from = dayOf(daysAgo(7));
    const recent = await api.call('GET', `${CONNECTORS}/${connectorId}/analyze?from=${from}`);
    expect(recent).toMatchObject({
      status: 200,
      body: { rowsLoaded: 30, apiCalls: 6, runs: { total: 3, completed: 3 }, window: { from } },
    });
    expect(
      z.object({ daily: z.array(z.object({ date: z.string(), runs: z.number(), rowsLoaded: z.number() })) }).parse(recent.body).daily,
    ).toEqual([
      expect.objectContaining({ date: dayOf(daysAgo(3)), runs: 2, rowsLoaded: 20 }),
      expect.objectContaining({ date: dayOf(daysAgo(1)), runs: 1, rowsLoaded: 10 }),
    ]);
    const bad = await api.call('GET', `${CONNECTORS}/${connectorId}/analyze?from=last-week`);
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'from' }] } });
  });
});

describe('/analyze while Temporal is down', () => {
  test('answers from the store, the schedule facts marked unavailable', async () => {
    const connectorId = await connectorOf(`user-${randomUUID()}`);
    const report = runReport(connectorId, 'completed', new Date(Date.now() - 3_600_000), [
      streamReport('contact', { extracted: 7, loaded: 7 }),
    ]);
    await api.store.runs.save(report);
    // Nothing listens on port 1: every call to this Temporal fails to connect.
    const down = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const server = await startApiServer({ app: createApp({ store: api.store, temporal: down, authentication: { jwt: {} } }), port: 0 });
    try {
      const started = Date.now();
      const response = await request(server.url, 'GET', `${CONNECTORS}/${connectorId}/analyze`, undefined, api.adminKey);
      expect(response).toMatchObject({
        status: 200,
        body: {
          rowsLoaded: 7,
          runs: { total: 1 },
          schedule: null,
          scheduleUnavailable: expect.stringContaining('Temporal is unreachable'),
        },
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
      await down.connection.close().catch(() => undefined);
    }
  });
});
