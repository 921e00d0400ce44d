/**
 * Quarantined batches through the API: the quality reports a manager picks from, and re-validating
 * one with a changed suite. A stand-in workflow (fixtures/revalidate-stand-in.ts) runs under the real
 * workflow's type name on this file's task queue; the real one is tested end to end in
 * test/integration/revalidate-quarantine.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { reportWithQuarantine, sha256Of } from '../store/fixtures';
import { BAD_SUITE_MESSAGE, STAND_IN_EVALUATED } from './fixtures/revalidate-stand-in';
import { CONNECTORS, connectorBody, createConnector, issuePaths, useApiWithStandIn, type ApiHarness } from './harness';

let api: ApiHarness;
useApiWithStandIn({ workflows: require.resolve('./fixtures/revalidate-stand-in') }, (started) => (api = started));

const reportsPath = (connectorId: string): string => `${CONNECTORS}/${connectorId}/quality-reports`;
const revalidatePath = (connectorId: string): string => `${CONNECTORS}/${connectorId}/quarantine/revalidate`;

/** A connector (its approver role: manager, the default) and one stored report of a batch with 4 quarantined rows. */
async function connectorWithQuarantine(): Promise<{ connectorId: string; reportId: string }> {
  const connectorId = await createConnector(api, connectorBody(`user-${randomUUID()}`));
  const quarantine = { uri: `file:///staging/${connectorId}/q.ndjson`, sha256: sha256Of(connectorId), rows: 4 };
  const report = reportWithQuarantine(50, [{ type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 4 }], quarantine);
  const reportId = await api.store.qualityReports.save({
    connectorId,
    stream: 'contact',
    batchSha256: sha256Of(`${connectorId}/1`),
    report,
  });
  return { connectorId, reportId };
}

const relaxedSuite = {
  name: 'contact-relaxed',
  expectations: [{ type: 'expect_column_values_to_be_unique', kwargs: { column: 'Id' } }],
};

const listSchema = z.object({ reports: z.array(z.object({ id: z.string(), stream: z.string() })) });

describe('GET /:id/quality-reports', () => {
  test('lists the connector’s reports newest first with their figures, filtered by stream', async () => {
    const { connectorId, reportId } = await connectorWithQuarantine();
    const leadReport = reportWithQuarantine(8, [{ type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 0 }], null);
    const leadId = await api.store.qualityReports.save({
      connectorId,
      stream: 'lead',
      batchSha256: sha256Of(`${connectorId}/2`),
      report: leadReport,
    });

    const all = await api.call('GET', reportsPath(connectorId));
    expect(all.status).toBe(200);
    expect(listSchema.parse(all.body).reports.map((report) => report.id)).toEqual([leadId, reportId]);
    expect(all.body).toMatchObject({
      reports: [
        { stream: 'lead', quarantinedRows: 0 },
        { stream: 'contact', rules: [{ rule: 'not_null(Email)', elementCount: 50, unexpectedCount: 4 }], quarantinedRows: 4 },
      ],
    });

    const contact = await api.call('GET', `${reportsPath(connectorId)}?stream=contact&limit=5`);
    expect(listSchema.parse(contact.body).reports.map((report) => report.id)).toEqual([reportId]);
  });

  test('an unknown connector is a 404; a bad limit a 400 naming it', async () => {
    expect(await api.call('GET', reportsPath(randomUUID()))).toMatchObject({ status: 404 });
    const { connectorId } = await connectorWithQuarantine();
    const badLimit = await api.call('GET', `${reportsPath(connectorId)}?limit=lots`);
    expect(badLimit).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: 'limit' })] } });
  });
});

describe('POST /:id/quarantine/revalidate', () => {
  test('runs the re-validation under an id from the request and returns its figures, audited', async () => {
    const { connectorId, reportId } = await connectorWithQuarantine();
    const body = { qualityReportId: reportId, suite: relaxedSuite };

    const response = await api.call('POST', revalidatePath(connectorId), { json: body }, await api.keyFor('manager', 'dana'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      connectorId,
      qualityReportId: reportId,
      stream: 'contact',
      suiteName: 'contact-relaxed',
      suiteHash: 'stand-in-1',
      outcome: 'applied',
      evaluated: STAND_IN_EVALUATED,
      released: STAND_IN_EVALUATED - 1,
      stillQuarantined: 1,
      failuresByRule: { expect_column_values_to_be_unique: 1 },
      loadId: `load/${reportId}`,
      merged: STAND_IN_EVALUATED - 1,
    });

    const suiteSha = createHash('sha256').update(JSON.stringify(relaxedSuite)).digest('hex').slice(0, 16);
    const run = await api.client.workflow.getHandle(`revalidate/${connectorId}/${reportId}/${suiteSha}`).describe();
    expect(run).toMatchObject({ type: 'revalidateQuarantine', taskQueue: api.taskQueue, status: { name: 'COMPLETED' } });

    const audit = await api.store.audit.list(connectorId);
    expect(audit).toContainEqual(
      expect.objectContaining({
        activityType: 'quarantine.revalidation-requested',
        details: expect.objectContaining({
          qualityReportId: reportId,
          requestedBy: 'dana',
          role: 'manager',
          result: 'applied',
          via: 'api',
          actor: expect.objectContaining({ subject: 'dana', role: 'manager' }),
        }),
      }),
    );
  });

  test('a suite the re-validation refuses is a 400 with its message', async () => {
    const { connectorId, reportId } = await connectorWithQuarantine();
    const body = { qualityReportId: reportId, suite: { name: 'bad', expectations: [] } };
    const response = await api.call('POST', revalidatePath(connectorId), { json: body });
    expect(response).toMatchObject({ status: 400, body: { error: 'revalidation_refused', message: BAD_SUITE_MESSAGE } });
  });

  test('a role other than the approval policy’s approver or admin is refused with a 403 naming the rule', async () => {
    const { connectorId, reportId } = await connectorWithQuarantine();
    const body = { qualityReportId: reportId, suite: relaxedSuite };
    const response = await api.call('POST', revalidatePath(connectorId), { json: body }, await api.keyFor('data-scientist', 'casey'));
    expect(response).toMatchObject({
      status: 403,
      body: { message: expect.stringMatching(/role data-scientist .* it takes manager or admin/) },
    });
    const audit = await api.store.audit.list(connectorId);
    expect(audit).toContainEqual(expect.objectContaining({ details: expect.objectContaining({ result: 'refused', status: 403 }) }));
  });

  test('an unknown report, or one of another connector, is a 404', async () => {
    const { connectorId } = await connectorWithQuarantine();
    const other = await connectorWithQuarantine();
    for (const qualityReportId of [randomUUID(), other.reportId]) {
      const body = { qualityReportId, suite: relaxedSuite };
      const response = await api.call('POST', revalidatePath(connectorId), { json: body });
      expect(response).toMatchObject({ status: 404, body: { message: expect.stringContaining(qualityReportId) } });
    }
  });

  test('a bad body is a 400 naming each field', async () => {
    const { connectorId } = await connectorWithQuarantine();
    const response = await api.call('POST', revalidatePath(connectorId), {
      json: { qualityReportId: 'r-1', suite: 'strict', role: 'boss' },
    });
    expect(response.status).toBe(400);
    expect(issuePaths(response.body)).toEqual(['qualityReportId', 'role', 'suite']);
  });
});
