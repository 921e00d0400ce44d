/**
 * The store's contract for approval gates, stream schemas and the recommendations /analyze draws
 * from decisions; part of storeSuite, so it runs on every engine.
 */
import { randomUUID } from 'node:crypto';
import type { StreamColumn } from '../../domain/streams/types';
import type { Harness } from './contract';
import { connectorInput, decision, newUserId, pendingApproval, runReport, streamReport } from './fixtures';

export function approvalContract(harness: () => Harness): void {
  test('an approval is opened once and decided once; replaying either is harmless', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const pending = pendingApproval({ connectorId });
    await store.approvals.saveRequest(pending);
    await store.approvals.saveRequest(pending);
    expect(await store.approvals.get(pending.approvalId)).toEqual({
      approvalId: pending.approvalId,
      connectorId,
      workflowId: pending.workflowId,
      status: 'pending',
      request: pending,
      resolution: null,
      abandoned: null,
    });

    const approved = { ...decision(pending, 'approve'), override: { maxInvalidShare: 0.15 } };
    await store.approvals.saveResolution(approved);
    await store.approvals.saveResolution({ ...approved });
    expect(await store.approvals.get(pending.approvalId)).toMatchObject({ status: 'decided', resolution: approved });

    const second = decision(pending, 'reject', 'someone-else');
    await expect(store.approvals.saveResolution(second)).rejects.toThrow(
      /already decided \(approve by manager-7 at .*\); a second decision \(reject by someone-else\) is refused/,
    );
    expect((await store.approvals.get(pending.approvalId))?.resolution).toEqual(approved);
  });

  test('a pending approval whose cycle closed is abandoned once; a decision on it is refused, a decided one stays decided', async () => {
    const { store } = harness();
    const pending = pendingApproval({ connectorId: randomUUID() });
    await store.approvals.saveRequest(pending);
    const abandonment = { at: '2024-07-01T09:30:00.000Z', reason: `cycle ${pending.workflowId} is TERMINATED` };
    expect(await store.approvals.abandon(pending.approvalId, abandonment)).toBe(true);
    expect(await store.approvals.abandon(pending.approvalId, { ...abandonment, reason: 'later' })).toBe(false);
    expect(await store.approvals.get(pending.approvalId)).toMatchObject({ status: 'abandoned', resolution: null, abandoned: abandonment });
    await expect(store.approvals.saveResolution(decision(pending, 'approve'))).rejects.toThrow(/was abandoned/);
    expect(await store.approvals.list({ connectorId: pending.connectorId, status: 'abandoned' })).toEqual([
      expect.objectContaining({ approvalId: pending.approvalId }),
    ]);
    expect(await store.approvals.list({ connectorId: pending.connectorId, status: 'pending' })).toEqual([]);

    const decided = pendingApproval({ connectorId: randomUUID() });
    await store.approvals.saveRequest(decided);
    await store.approvals.saveResolution(decision(decided, 'reject'));
    expect(await store.approvals.abandon(decided.approvalId, abandonment)).toBe(false);
    expect(await store.approvals.get(decided.approvalId)).toMatchObject({ status: 'decided', abandoned: null });
  });

  test('refuses a decision without a request, and malformed approvals naming the field', async () => {
    const { store } = harness();
    const never = pendingApproval({ connectorId: randomUUID() });
    await expect(store.approvals.saveResolution(decision(never, 'approve'))).rejects.toThrow(/never requested/);
    await expect(store.approvals.saveRequest({ ...never, connectorId: 'acme' })).rejects.toThrow(/connectorId/);
    await expect(store.approvals.saveRequest({ ...never, workflowId: 'cycle/other' })).rejects.toThrow(/approvalId/);
    await expect(store.approvals.saveRequest({ ...never, figures: { ...never.figures, invalidShare: 1.5 } })).rejects.toThrow(
      /figures\.invalidShare/,
    );
    expect(await store.approvals.get(never.approvalId)).toBeNull();
    expect(await store.approvals.get('not-an-approval-id')).toBeNull();
  });

  test('lists approvals newest first, by connector and status', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const at = (minutes: number) => new Date(Date.UTC(2024, 6, 1, 9, minutes));
    const oldest = pendingApproval({ connectorId, openedAt: at(0) });
    const middle = pendingApproval({ connectorId, openedAt: at(10) });
    const newest = pendingApproval({ connectorId, openedAt: at(20) });
    const elsewhere = pendingApproval({ connectorId: randomUUID(), openedAt: at(30) });
    for (const pending of [middle, oldest, newest, elsewhere]) await store.approvals.saveRequest(pending);
    await store.approvals.saveResolution(decision(middle, 'reject'));

    const ids = async (filter: Parameters<typeof store.approvals.list>[0]) => (await store.approvals.list(filter)).map((a) => a.approvalId);
    expect(await ids({ connectorId })).toEqual([newest.approvalId, middle.approvalId, oldest.approvalId]);
    expect(await ids({ connectorId, status: 'pending' })).toEqual([newest.approvalId, oldest.approvalId]);
    expect(await ids({ connectorId, status: 'decided' })).toEqual([middle.approvalId]);
    expect(await ids({ connectorId, limit: 1 })).toEqual([newest.approvalId]);
    expect(await ids({ status: 'pending' })).toEqual(expect.arrayContaining([elsewhere.approvalId, newest.approvalId]));
    expect(await ids({ connectorId: 'not-a-uuid' })).toEqual([]);
  });

  test('stores the reports of cycles that waited for a manager, ran dry or were rejected', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const started = new Date(Date.UTC(2024, 7, 2, 8));
    for (const [hour, status] of (['awaiting-approval', 'dry-run', 'rejected'] as const).entries()) {
      const report = runReport(connectorId, status, new Date(started.getTime() + hour * 3_600_000), [streamReport('contact')]);
      await store.runs.save(report);
      expect(await store.runs.get(report.workflowId)).toEqual(report);
    }
  });

  test("keeps each stream's loaded columns, replacing them on the next save", async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    expect(await store.streamSchemas.get(connectorId, 'contact')).toBeNull();
    const columns: StreamColumn[] = [
      { name: 'id', type: 'string', sourceField: 'Id' },
      { name: 'email', type: 'string', sourceField: 'Email', personal: true },
    ];
    await store.streamSchemas.save(connectorId, 'contact', columns);
    expect(await store.streamSchemas.get(connectorId, 'contact')).toEqual(columns);
    const widened: StreamColumn[] = [...columns, { name: 'score', type: 'number' }];
    await store.streamSchemas.save(connectorId, 'contact', widened);
    expect(await store.streamSchemas.get(connectorId, 'contact')).toEqual(widened);
    expect(await store.streamSchemas.get(connectorId, 'lead')).toBeNull();
    await expect(store.streamSchemas.save('acme', 'contact', columns)).rejects.toThrow(/connectorId/);
  });

  test('analyze recommends raising a guardrail people keep approving on similar figures, and changes nothing', async () => {
    const { store } = harness();
    const input = connectorInput(newUserId());
    const guardrails = { ...input.configuration.guardrails, maxInvalidShare: 0.2, maxRowsPerCycle: 1_000 };
    const connector = await store.connectors.create({ ...input, configuration: { ...input.configuration, guardrails } });
    let minute = 0;
    const decide = async (
      guardrail: 'maxInvalidShare' | 'maxRowsPerCycle',
      actual: number,
      choice: 'approve' | 'reject',
      byPolicy = false,
    ) => {
      minute += 1;
      const limit = guardrails[guardrail];
      const pending = pendingApproval({
        connectorId: connector.id,
        openedAt: new Date(Date.UTC(2024, 7, 1, 8, minute)),
        breaches: [{ guardrail, limit, actual, severity: 'approve' }],
      });
      await store.approvals.saveRequest(pending);
      const resolution = decision(pending, choice, byPolicy ? 'approval-policy' : `manager-${minute}`);
      await store.approvals.saveResolution(byPolicy ? { ...resolution, role: null, byPolicy } : resolution);
      return { approvalId: pending.approvalId, actual, decidedBy: resolution.decidedBy, decidedAt: resolution.decidedAt };
    };

    await decide('maxInvalidShare', 0.25, 'approve');
    await decide('maxInvalidShare', 0.26, 'reject');
    const streak = [await decide('maxInvalidShare', 0.24, 'approve'), await decide('maxInvalidShare', 0.27, 'approve')];
    await decide('maxInvalidShare', 0.26, 'approve', true); // the timeout policy's approval is nobody's judgement
    streak.push(await decide('maxInvalidShare', 0.25, 'approve'));
    // Approved three times in a row, but on figures too far apart to call the limit too tight.
    for (const rows of [1_200, 4_000, 1_100]) await decide('maxRowsPerCycle', rows, 'approve');

    const analysis = await store.analysis.analyze(connector.id);
    expect(analysis.recommendations).toEqual([
      {
        guardrail: 'maxInvalidShare',
        currentLimit: 0.2,
        // The largest approved share, 0.27, with 10% headroom (0.297), rounded up to a hundredth.
        suggestedLimit: 0.3,
        evidence: streak,
        summary: expect.stringContaining('3 approvals in a row'),
        note: 'nothing changes without a manager',
      },
    ]);
    expect((await store.connectors.get(connector.id))?.configuration.guardrails).toEqual(guardrails);

    await store.connectors.update(connector.id, {
      configuration: { ...connector.configuration, guardrails: { ...guardrails, maxInvalidShare: 0.3 } },
    });
    expect((await store.analysis.analyze(connector.id)).recommendations).toEqual([]);
  });
}
