/**
 * Approvals through the API: listing and reading them from the store, and a manager's decision
 * delivered as the cycle's Update. A stand-in cycle (fixtures/approval-cycle.ts) holds one gate open
 * with the real query and Update, on this file's task queue.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PendingApproval } from '../../domain/approvals';
import { decision, pendingApproval, type ApprovalSeed } from '../store/fixtures';
import { createApprovalStandInActivities } from './fixtures/approval-activities';
import { issuePaths, useApiWithStandIn, type ApiHarness } from './harness';
import { Registry } from 'prom-client';
import { abandonClosedApprovals, reconcileApprovalsPeriodically } from '../../activities/approval-closure';
import { logger } from '../../activities/logger';
import { registerStoreGauges } from '../../activities/observability/store-gauges';
import { eventually } from '../support/eventually';

let api: ApiHarness;
/** Managers: the decider is whoever the credential names. */
let dana: string;
let sam: string;

useApiWithStandIn(
  { workflows: require.resolve('./fixtures/approval-cycle'), activities: (started) => createApprovalStandInActivities(started.store) },
  (started) => (api = started),
);
beforeAll(async () => {
  dana = await api.keyFor('manager', 'dana');
  sam = await api.keyFor('manager', 'sam');
});

const APPROVALS = '/api/v1/approvals';
const approvalPath = (approvalId: string): string => `${APPROVALS}/${encodeURIComponent(approvalId)}`;
const decisionPath = (approvalId: string): string => `${approvalPath(approvalId)}/decision`;

/** A gate recorded in the store, and a cycle holding it open. */
async function openGate(seed: Partial<ApprovalSeed> = {}): Promise<PendingApproval> {
  const pending = pendingApproval({ connectorId: randomUUID(), ...seed });
  await api.store.approvals.saveRequest(pending);
  await api.client.workflow.start('approvalCycle', { taskQueue: api.taskQueue, workflowId: pending.workflowId, args: [pending] });
  return pending;
}

const approve = { decision: 'approve', reason: 'a campaign import: expected volume' };

const listSchema = z.object({ approvals: z.array(z.object({ approvalId: z.string(), status: z.string() })) });

describe('GET /api/v1/approvals', () => {
  test('lists pending approvals by default, newest first, filtered by connector and status', async () => {
    const connectorId = randomUUID();
    const at = (minutes: number) => new Date(Date.UTC(2024, 8, 1, 9, minutes));
    const older = pendingApproval({ connectorId, openedAt: at(0) });
    const newer = pendingApproval({ connectorId, openedAt: at(5) });
    const decided = pendingApproval({ connectorId, openedAt: at(10) });
    for (const pending of [older, newer, decided]) await api.store.approvals.saveRequest(pending);
    await api.store.approvals.saveResolution(decision(decided, 'reject'));

    const pendingOnes = await api.call('GET', `${APPROVALS}?connectorId=${connectorId}`);
    expect(pendingOnes.status).toBe(200);
    expect(listSchema.parse(pendingOnes.body).approvals.map((a) => a.approvalId)).toEqual([newer.approvalId, older.approvalId]);
    expect(pendingOnes.body).toMatchObject({ approvals: [{ request: newer, resolution: null }, { request: older }] });

    const decidedOnes = await api.call('GET', `${APPROVALS}?connectorId=${connectorId}&status=decided`);
    expect(listSchema.parse(decidedOnes.body).approvals).toEqual([
      expect.objectContaining({ approvalId: decided.approvalId, status: 'decided' }),
    ]);

    const everywhere = listSchema.parse((await api.call('GET', APPROVALS)).body).approvals.map((a) => a.approvalId);
    expect(everywhere).toEqual(expect.arrayContaining([newer.approvalId, older.approvalId]));
    expect(everywhere).not.toContain(decided.approvalId);
  });

  test('a bad filter is a 400 naming the parameter', async () => {
    const response = await api.call('GET', `${APPROVALS}?status=maybe&connectorId=acme`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: 'status' }), expect.objectContaining({ path: 'connectorId' })]),
    });
  });
});

describe('GET /api/v1/approvals/:id', () => {
  test('a pending approval comes with the gate as its waiting cycle shows it', async () => {
    const pending = await openGate();
    const response = await api.call('GET', approvalPath(pending.approvalId));
    expect(response).toMatchObject({
      status: 200,
      body: { approvalId: pending.approvalId, status: 'pending', request: pending, live: { state: 'waiting', gate: pending } },
    });
    const unencoded = await api.call('GET', `${APPROVALS}/${pending.approvalId}`);
    expect(unencoded).toMatchObject({ status: 200, body: { approvalId: pending.approvalId } });
  });

  test('a pending approval whose cycle is gone says so, and is recorded abandoned from then on', async () => {
    const pending = pendingApproval({ connectorId: randomUUID() });
    await api.store.approvals.saveRequest(pending);
    const response = await api.call('GET', approvalPath(pending.approvalId));
    const why = expect.stringContaining(pending.workflowId);
    expect(response).toMatchObject({
      status: 200,
      body: { status: 'abandoned', abandoned: { reason: why }, live: { state: 'not-waiting', detail: why } },
    });
    expect(await api.call('GET', approvalPath(pending.approvalId))).toMatchObject({
      status: 200,
      body: { status: 'abandoned', abandoned: { reason: why }, live: null },
    });
  });

  test('an unknown approval is a 404; a malformed id a 400', async () => {
    const unknown = pendingApproval({ connectorId: randomUUID() });
    expect(await api.call('GET', approvalPath(unknown.approvalId))).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: expect.stringContaining(unknown.approvalId) },
    });
    expect(await api.call('GET', approvalPath('no-tildes-here'))).toMatchObject({
      status: 400,
      body: { issues: [expect.objectContaining({ path: 'approvalId' })] },
    });
  });
});

describe('POST /api/v1/approvals/:id/decision', () => {
  test("returns the decision's outcome, records it, and answers a retried POST with the same outcome", async () => {
    const pending = await openGate();

    const response = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, dana);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      approvalId: pending.approvalId,
      decision: 'approve',
      decidedBy: 'dana',
      role: 'manager',
      reason: approve.reason,
      byPolicy: false,
      loaded: pending.batch.rows,
      keptBatch: null,
    });
    const stored = await api.call('GET', approvalPath(pending.approvalId));
    expect(stored.body).toMatchObject({ status: 'decided', resolution: { decision: 'approve', decidedBy: 'dana' }, live: null });

    const retried = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, dana);
    expect(retried).toEqual(expect.objectContaining({ status: 200, body: response.body }));

    const audit = await api.store.audit.list(pending.connectorId);
    expect(audit.filter((a) => a.activityType === 'approval.decision-requested').map((a) => a.details)).toEqual([
      expect.objectContaining({
        approvalId: pending.approvalId,
        decidedBy: 'dana',
        role: 'manager',
        result: 'decided',
        via: 'api',
        actor: expect.objectContaining({ subject: 'dana', role: 'manager' }),
      }),
      expect.objectContaining({ approvalId: pending.approvalId, result: 'decided' }),
    ]);
  });

  test('a second, different decision is a 409 saying who decided first', async () => {
    const pending = await openGate();
    expect(await api.call('POST', decisionPath(pending.approvalId), { json: { ...approve, decision: 'reject' } }, dana)).toMatchObject({
      status: 200,
      body: { decision: 'reject', loaded: 0, keptBatch: pending.batch.uri },
    });
    const second = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, sam);
    expect(second).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('reject by dana') } });
  });

  test('a role that may decide some gates but not this one is a 403; the gate stays open and the refusal is audited', async () => {
    const pending = await openGate({ approverRole: 'manager' });
    const scientist = await api.keyFor('data-scientist');
    const response = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, scientist);
    expect(response).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: expect.stringMatching(/data-scientist.*manager or admin/) },
    });
    expect((await api.call('GET', approvalPath(pending.approvalId))).body).toMatchObject({
      status: 'pending',
      live: { state: 'waiting' },
    });
    const audit = await api.store.audit.list(pending.connectorId);
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ result: 'refused', status: 403, role: 'data-scientist' })]);

    const byAdmin = await api.call('POST', decisionPath(pending.approvalId), { json: approve });
    expect(byAdmin).toMatchObject({ status: 200, body: { decision: 'approve', role: 'admin', decidedBy: 'test-admin' } });
  });

  test('decidedBy and role in the body must be the caller’s own: another name or role is a 403 and decides nothing', async () => {
    const pending = await openGate();
    const impersonating = await api.call('POST', decisionPath(pending.approvalId), { json: { ...approve, decidedBy: 'sam' } }, dana);
    expect(impersonating).toMatchObject({ status: 403, body: { message: expect.stringContaining('decidedBy') } });
    const promoted = await api.call('POST', decisionPath(pending.approvalId), { json: { ...approve, role: 'admin' } }, dana);
    expect(promoted).toMatchObject({ status: 403, body: { message: expect.stringContaining('role admin is not') } });
    expect((await api.store.approvals.get(pending.approvalId))?.status).toBe('pending');

    const own = await api.call(
      'POST',
      decisionPath(pending.approvalId),
      { json: { ...approve, decidedBy: 'dana', role: 'manager' } },
      dana,
    );
    expect(own).toMatchObject({ status: 200, body: { decidedBy: 'dana', role: 'manager' } });
  });

  test("the workflow validator's refusal is a 409 with its reason", async () => {
    const pending = await openGate({ openedAt: new Date(Date.now() - 2 * 86_400_000) });
    const response = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, dana);
    expect(response).toMatchObject({ status: 409, body: { message: expect.stringContaining(`timed out at ${pending.deadline}`) } });
  });

  test('a decision on a pending approval whose cycle is gone is a 409, and records it abandoned', async () => {
    const pending = pendingApproval({ connectorId: randomUUID() });
    await api.store.approvals.saveRequest(pending);
    const refused = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, dana);
    expect(refused).toMatchObject({ status: 409, body: { message: expect.stringContaining('no longer running') } });
    expect(await api.store.approvals.get(pending.approvalId)).toMatchObject({
      status: 'abandoned',
      abandoned: { reason: `Temporal no longer knows cycle ${pending.workflowId}` },
    });
  });

  test('an unknown approval is a 404', async () => {
    const unknown = pendingApproval({ connectorId: randomUUID() });
    const response = await api.call('POST', decisionPath(unknown.approvalId), { json: approve });
    expect(response).toMatchObject({ status: 404, body: { message: expect.stringContaining(unknown.approvalId) } });
  });

  test('a bad body is a 400 naming each field and decides nothing', async () => {
    const pending = await openGate();
    const response = await api.call(
      'POST',
      decisionPath(pending.approvalId),
      {
        json: { decision: 'maybe', decidedBy: 'dana', role: 'manager', override: { maxInvalidShare: 3 } },
      },
      dana,
    );
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(['decision', 'override.maxInvalidShare', 'reason']);
    expect((await api.store.approvals.get(pending.approvalId))?.status).toBe('pending');
  });
});

describe('an approval whose cycle was terminated', () => {
  /** The approvals-waiting gauge of one connector as a scrape shows it; undefined when it has no series. */
  async function waitingGauge(connectorId: string): Promise<number | undefined> {
    const registry = new Registry();
    const remove = registerStoreGauges(api.store, logger, registry);
    try {
      const line = (await registry.metrics())
        .split('\n')
        .find((l) => l.startsWith('insight_hub_approvals_waiting{') && l.includes(`connector_id="${connectorId}"`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    } finally {
      remove();
    }
  }

  test('is abandoned by the reconciliation pass: it leaves the pending list and the gauge, and a decision on it is a 409', async () => {
    const pending = await openGate();
    const running = await openGate({ connectorId: randomUUID() });
    expect(await waitingGauge(pending.connectorId)).toBe(1);

    await api.client.workflow.getHandle(pending.workflowId).terminate('operator stopped the cycle');
    await abandonClosedApprovals(api.client, api.store.approvals, logger);

    expect(await api.store.approvals.get(pending.approvalId)).toMatchObject({
      status: 'abandoned',
      resolution: null,
      abandoned: { reason: `cycle ${pending.workflowId} is TERMINATED: it waits for no decision` },
    });
    expect(await waitingGauge(pending.connectorId)).toBeUndefined();
    const listed = async (status: string) =>
      listSchema.parse((await api.call('GET', `${APPROVALS}?connectorId=${pending.connectorId}&status=${status}`)).body).approvals;
    expect(await listed('pending')).toEqual([]);
    expect(await listed('abandoned')).toEqual([expect.objectContaining({ approvalId: pending.approvalId, status: 'abandoned' })]);

    const refused = await api.call('POST', decisionPath(pending.approvalId), { json: approve }, dana);
    expect(refused).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('abandoned') } });
    // The cycle that still runs keeps its gate open.
    expect((await api.store.approvals.get(running.approvalId))?.status).toBe('pending');
    expect(await waitingGauge(running.connectorId)).toBe(1);
  });

  test('the periodic reconciliation finds it unattended, without anybody opening it', async () => {
    const pending = await openGate();
    await api.client.workflow.getHandle(pending.workflowId).terminate('operator stopped the cycle');
    const reconciler = reconcileApprovalsPeriodically(api.client, api.store.approvals, logger, 100);
    const abandoned = async () => ((await api.store.approvals.get(pending.approvalId))?.status === 'abandoned' ? true : undefined);
    await eventually('the approval abandoned', abandoned).finally(() => reconciler.stop());
    expect(await waitingGauge(pending.connectorId)).toBeUndefined();
  });
});
