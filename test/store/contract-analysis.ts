/**
 * The store's analysis of a connector (GET /:id/analyze): every figure computed from the stored runs,
 * quality reports and cursors, and zeros without history. Part of storeSuite, so it runs on every
 * engine.
 */
import { randomUUID } from 'node:crypto';
import { connectorInput, newUserId, qualityReport, runReport, sha256Of, streamReport, type RuleOutcome } from './fixtures';
import type { Harness } from './contract';

/** The label the quality gate gives each expectation type, as a user reads it in /analyze. */
const LABEL_PREFIX: Record<RuleOutcome['type'], string> = {
  expect_column_values_to_not_be_null: 'not_null',
  expect_column_values_to_be_unique: 'unique',
};

export function analysisContract(harness: () => Harness): void {
  test('analyze computes its figures from the stored runs, quality reports and cursors', async () => {
    const { store } = harness();
    const connector = await store.connectors.create(connectorInput(newUserId()));
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const runs = [
      runReport(connector.id, 'completed', hoursAgo(5), [
        streamReport('contact', { extracted: 120, loaded: 100, deleted: 5, quarantined: 15, apiCalls: 4 }),
        streamReport('lead', { extracted: 40, loaded: 38, quarantined: 2, apiCalls: 2 }),
      ]),
      runReport(connector.id, 'deferred', hoursAgo(2), [
        streamReport('contact', { outcome: 'deferred', extracted: 50, loaded: 45, quarantined: 5, apiCalls: 3 }),
      ]),
      runReport(connector.id, 'blocked', hoursAgo(1), [
        streamReport('contact', { outcome: 'blocked', extracted: 30, quarantined: 12, apiCalls: 1 }),
      ]),
      runReport(connector.id, 'failed', hoursAgo(0.5), [streamReport('lead', { outcome: 'failed', apiCalls: 1 })]),
      runReport(connector.id, 'running', hoursAgo(0.01), [], null),
    ];
    for (const run of runs) await store.runs.save(run);
    await store.runs.save(runReport(randomUUID(), 'completed', hoursAgo(0.1), [streamReport('contact', { loaded: 999 })]));

    const batches: { rows: number; rules: RuleOutcome[] }[] = [
      {
        rows: 115,
        rules: [
          { type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 10 },
          { type: 'expect_column_values_to_be_unique', column: 'Id', unexpected: 5 },
        ],
      },
      {
        rows: 50,
        rules: [
          { type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 5 },
          { type: 'expect_column_values_to_be_unique', column: 'Id', unexpected: 0 },
        ],
      },
    ];
    for (const [index, batch] of batches.entries()) {
      const entry = {
        connectorId: connector.id,
        stream: 'contact',
        batchSha256: sha256Of(`${connector.id}-${index}`),
        report: qualityReport(batch.rows, batch.rules),
      };
      await store.qualityReports.save(entry);
      await store.qualityReports.save(entry);
    }
    await store.cursors.commit(connector.id, 'contact', { value: '2024-06-01T00:00:00.000Z', lastKey: '003Z' }, null);

    const analysis = await store.analysis.analyze(connector.id);

    const streams = runs.flatMap((run) => run.streams);
    const sum = (pick: (s: (typeof streams)[number]) => number) => streams.reduce((total, s) => total + pick(s), 0);
    const evaluated = sum((s) => s.extracted - s.deleted);
    const rowsInReports = batches.reduce((total, b) => total + b.rows, 0);
    const expectedByRule: Record<string, number> = {};
    for (const rule of batches.flatMap((b) => b.rules)) {
      const label = `${LABEL_PREFIX[rule.type]}(${rule.column})`;
      expectedByRule[label] = (expectedByRule[label] ?? 0) + rule.unexpected / rowsInReports;
    }
    const byStatus = (status: string) => runs.filter((run) => run.status === status).length;
    const lastSuccess = runs
      .filter((run) => run.status === 'completed' || run.status === 'deferred')
      .map((run) => Date.parse(run.finishedAt ?? ''))
      .reduce((a, b) => Math.max(a, b));

    expect(analysis).toMatchObject({
      connectorId: connector.id,
      rowsLoaded: sum((s) => s.loaded),
      rowsQuarantined: sum((s) => s.quarantined),
      rowsDeleted: sum((s) => s.deleted),
      apiCalls: sum((s) => s.apiCalls),
      runs: {
        total: runs.length,
        completed: byStatus('completed'),
        deferred: byStatus('deferred'),
        blocked: byStatus('blocked'),
        failed: byStatus('failed'),
      },
      lastRunAt: runs
        .map((run) => run.startedAt)
        .sort()
        .pop(),
      lastSuccessAt: new Date(lastSuccess).toISOString(),
      streams: [
        { stream: 'contact', cursor: { value: '2024-06-01T00:00:00.000Z', lastKey: '003Z' }, committedAt: expect.any(String) },
        { stream: 'lead', cursor: null, committedAt: null },
      ],
    });
    expect(analysis.quarantinedShare).toBeCloseTo(sum((s) => s.quarantined) / evaluated, 10);
    expect(Object.keys(analysis.quarantinedShareByRule).sort()).toEqual(Object.keys(expectedByRule).sort());
    for (const [rule, expectedShare] of Object.entries(expectedByRule)) {
      expect(analysis.quarantinedShareByRule[rule]).toBeCloseTo(expectedShare, 10);
    }
    expect(analysis.freshnessSeconds).toBeGreaterThanOrEqual(Math.floor((Date.now() - lastSuccess) / 1000) - 5);
    expect(analysis.freshnessSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - lastSuccess) / 1000) + 5);
  });

  test('analyze of a connector with no history reports zeros, not guesses', async () => {
    const connector = await harness().store.connectors.create(connectorInput(newUserId()));
    expect(await harness().store.analysis.analyze(connector.id)).toEqual({
      connectorId: connector.id,
      rowsLoaded: 0,
      rowsQuarantined: 0,
      rowsDeleted: 0,
      quarantinedShare: 0,
      quarantinedShareByRule: {},
      runs: { total: 0, completed: 0, deferred: 0, blocked: 0, failed: 0 },
      lastRunAt: null,
      lastSuccessAt: null,
      freshnessSeconds: null,
      streams: [
        { stream: 'contact', cursor: null, committedAt: null },
        { stream: 'lead', cursor: null, committedAt: null },
      ],
      apiCalls: 0,
      recommendations: [],
    });
  });
}
