/**
 * The store's contract for listing quality reports, as a manager picks a quarantined batch to
 * re-validate; part of storeSuite, so it runs on every engine.
 */
import { randomUUID } from 'node:crypto';
import type { Harness } from './contract';
import { qualityReport, reportWithQuarantine, sha256Of } from './fixtures';

export function qualityReportContract(harness: () => Harness): void {
  test('lists a connector’s quality reports newest first with their figures, never the rows they quote', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const save = (stream: string, report: Record<string, unknown>) =>
      store.qualityReports.save({ connectorId, stream, batchSha256: sha256Of(`${connectorId}/${stream}/${randomUUID()}`), report });

    const quarantine = { uri: `file:///staging/${connectorId}/q.ndjson`, sha256: sha256Of('q'), rows: 4 };
    const failing = reportWithQuarantine(
      100,
      [
        { type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 3 },
        { type: 'expect_column_values_to_be_unique', column: 'Email', unexpected: 1, quoted: ['ada@example.com'] },
      ],
      quarantine,
    );
    const failingId = await save('contact', failing);
    const cleanId = await save(
      'lead',
      reportWithQuarantine(20, [{ type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 0 }], null),
    );
    const legacyId = await save('contact', qualityReport(10, []));
    await store.qualityReports.save({ connectorId: randomUUID(), stream: 'contact', batchSha256: sha256Of(randomUUID()), report: failing });

    const listed = await store.qualityReports.list(connectorId);
    expect(listed.map((report) => report.id)).toEqual([legacyId, cleanId, failingId]);
    expect(listed[2]).toEqual({
      id: failingId,
      stream: 'contact',
      batchSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      rules: [
        { rule: 'not_null(Email)', elementCount: 100, unexpectedCount: 3 },
        { rule: 'unique(Email)', elementCount: 100, unexpectedCount: 1 },
      ],
      quarantinedRows: 4,
    });
    expect(listed[1]).toMatchObject({
      stream: 'lead',
      rules: [{ rule: 'not_null(Email)', elementCount: 20, unexpectedCount: 0 }],
      quarantinedRows: 0,
    });
    expect(listed[0]).toMatchObject({ rules: [], quarantinedRows: null });
    // Great Expectations quotes failing values: a listing must not carry them.
    expect(JSON.stringify(listed)).not.toContain('ada@example.com');
    expect(JSON.stringify(listed)).not.toContain(quarantine.uri);

    expect((await store.qualityReports.list(connectorId, { stream: 'contact' })).map((report) => report.id)).toEqual([legacyId, failingId]);
    expect((await store.qualityReports.list(connectorId, { limit: 1 })).map((report) => report.id)).toEqual([legacyId]);
    expect(await store.qualityReports.list('not-a-connector')).toEqual([]);
    await expect(store.qualityReports.list(connectorId, { limit: 0 })).rejects.toThrow(/limit/);
  });
}
