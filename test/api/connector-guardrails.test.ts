/**
 * Manual control and guardrail what-ifs through the API: pausing and resuming a connector with its
 * Temporal Schedule, and previewing a proposed configuration on the figures the store holds.
 */
import { z } from 'zod';
import { scheduleId } from '../../domain/constants';
import { previewGuardrailsRoute } from '../../api/routes/guardrails-preview';
import { evaluateGuardrails, gateVerdict, type Guardrails } from '../../domain/guardrails';
import { pendingApproval, runReport, streamReport } from '../store/fixtures';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, connectorBody, createConnector, issuePaths, SECRETS, useApiHarness } from './harness';

const api = useApiHarness();

const schedulePaused = async (connectorId: string): Promise<boolean> =>
  (await api.client.schedule.getHandle(scheduleId(connectorId)).describe()).state.paused;

describe('POST /api/v1/data-warehouse-connector/:id/pause and /resume', () => {
  test('pause stops the schedule and resume restarts it, each audited, credentials never shown', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    expect(await schedulePaused(connectorId)).toBe(false);

    const paused = await api.call('POST', `${CONNECTORS}/${connectorId}/pause`);
    expect(paused).toMatchObject({ status: 200, body: { id: connectorId, status: 'paused' } });
    expect(JSON.stringify(paused.body)).not.toContain(SECRETS.password);
    expect(await schedulePaused(connectorId)).toBe(true);
    expect(await api.call('GET', `${CONNECTORS}/${connectorId}`)).toMatchObject({ body: { status: 'paused' } });

    const resumed = await api.call('POST', `${CONNECTORS}/${connectorId}/resume`);
    expect(resumed).toMatchObject({ status: 200, body: { id: connectorId, status: 'active' } });
    expect(await schedulePaused(connectorId)).toBe(false);

    const audit = (await api.store.audit.list(connectorId))
      .filter((a) => a.activityType.startsWith('connector.'))
      .map((a) => [a.activityType, a.details.previousStatus]);
    expect(audit.slice(0, 2)).toEqual([
      ['connector.resumed', 'paused'],
      ['connector.paused', 'active'],
    ]);
  });

  test('an unknown connector is a 404; a malformed id a 400', async () => {
    expect(await api.call('POST', `${CONNECTORS}/${crypto.randomUUID()}/pause`)).toMatchObject({ status: 404 });
    expect(await api.call('POST', `${CONNECTORS}/acme/resume`)).toMatchObject({ status: 400, body: { issues: [{ path: 'id' }] } });
  });
});

/** The answer as the route's contract describes it (api/routes/guardrails-preview.ts). */
const previewSchema = previewGuardrailsRoute.responses[200].schema;

async function preview(connectorId: string, body: unknown) {
  const response = await api.call('POST', `${CONNECTORS}/${connectorId}/guardrails/preview`, { json: body });
  expect(response.status).toBe(200);
  return previewSchema.parse(response.body);
}

const guardrails: Guardrails = { maxInvalidShare: 0.2, maxRowsPerCycle: 1_000, schemaChangePolicy: 'approve' };

describe('POST /api/v1/data-warehouse-connector/:id/guardrails/preview', () => {
  test('before any cycle there are no figures, and it says why', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user'), {}));
    const result = await preview(connectorId, { automationLevel: 'auto' });
    expect(result.figures).toBeNull();
    expect(result.message).toMatch(/no cycle has run yet/);
  });

  test("judges the latest gate's figures under the current and the proposed configuration", async () => {
    const body = connectorBody(uniqueName('user'));
    const configuration = z.object({ configuration: z.record(z.string(), z.unknown()) }).parse(body).configuration;
    const connectorId = await createConnector(api, { ...body, configuration: { ...configuration, guardrails } });
    const gate = pendingApproval({ connectorId, figures: { invalidShare: 0.3, invalid: 300, evaluated: 1_000, rowsThisCycle: 900 } });
    await api.store.approvals.saveRequest(gate);

    const proposal = { maxInvalidShare: 0.35, maxRowsPerCycle: 800 };
    const result = await preview(connectorId, { guardrails: proposal, automationLevel: 'auto' });

    expect(result.current).toEqual({ guardrails, automationLevel: 'approve-on-breach' });
    expect(result.proposed).toEqual({ guardrails: { ...guardrails, ...proposal }, automationLevel: 'auto' });
    const [judged] = result.figures ?? [];
    expect(judged).toMatchObject({ stream: gate.stream, basis: { kind: 'approval', approvalId: gate.approvalId }, figures: gate.figures });
    expect(judged?.current).toEqual({
      breaches: [{ guardrail: 'maxInvalidShare', limit: 0.2, actual: 0.3, severity: 'approve' }],
      verdict: 'await-approval',
    });
    expect(judged?.proposed).toEqual({
      breaches: [{ guardrail: 'maxRowsPerCycle', limit: 800, actual: 900, severity: 'approve' }],
      verdict: 'load-and-alert',
    });
  });

  test('without gates, figures come from the last run report, stream by stream', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const earlier = runReport(connectorId, 'completed', new Date(Date.now() - 7_200_000), [
      streamReport('contact', { extracted: 50, loaded: 50 }),
    ]);
    const last = runReport(connectorId, 'completed', new Date(Date.now() - 3_600_000), [
      streamReport('contact', { extracted: 400, loaded: 300, quarantined: 100, apiCalls: 2 }),
      streamReport('lead', { extracted: 900, loaded: 880, quarantined: 20, apiCalls: 3 }),
    ]);
    for (const run of [earlier, last]) await api.store.runs.save(run);

    const proposed: Guardrails = { maxInvalidShare: 0.3, maxRowsPerCycle: 1_000, schemaChangePolicy: 'approve' };
    const result = await preview(connectorId, { guardrails: proposed });

    expect(result.figures?.map((f) => [f.stream, f.basis.kind, f.figures.rowsThisCycle, f.figures.invalidShare])).toEqual([
      ['contact', 'run-report', 300, 0.25],
      ['lead', 'run-report', 1_180, 20 / 900],
    ]);
    for (const judged of result.figures ?? []) {
      const expected = evaluateGuardrails(proposed, judged.figures);
      expect(judged.proposed).toEqual({ breaches: expected, verdict: gateVerdict('approve-on-breach', expected) });
    }
    expect(result.figures?.[0]?.current.breaches.map((b) => b.guardrail)).toEqual(['maxInvalidShare']);
    expect(result.figures?.[1]?.proposed.breaches.map((b) => b.guardrail)).toEqual(['maxRowsPerCycle']);
  });

  test('a bad proposal is a 400 naming the field', async () => {
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    const response = await api.call('POST', `${CONNECTORS}/${connectorId}/guardrails/preview`, {
      json: { guardrails: { maxInvalidShare: 2, maxRows: 10 }, automationLevel: 'sometimes' },
    });
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(['automationLevel', 'guardrails', 'guardrails.maxInvalidShare']);
  });
});
