/**
 * Insight Hub's quality gate against real Great Expectations 1.24.1 (pinned, in the Python environment
 * of scripts/python-env.sh). Every default suite, as shipped, is given to GX as it is, with the
 * run-time parameters Insight Hub computes, on a batch from the project's own simulators and mappers
 * plus rows built to sit on every edge (nulls, absent keys, booleans vs 1, text in number columns,
 * invalid, zoneless and sub-millisecond timestamps on the bounds, Unicode, trailing newlines,
 * deletions); a further suite brings the other expectation types users bring. Per expectation, both
 * must agree on success, whether it raised, every result field GX writes (counts, percents, partial
 * lists and counts, indexes) and every row flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../activities/quality/engine';
import { suiteParameterValues } from '../../activities/quality/parameters';
import { parseSuite } from '../../activities/quality/suite';
import { conformToStream } from '../../activities/quality/validate';
import { gxPython, runPython, skippedBecause } from './gx/harness';
import { differences, gxAnswers, type DifferentialCase } from './gx/differential-compare';
import { EXTRA_SUITE } from './gx/differential-extra-suite';
import { DEFAULT_SUITES, edgeRows, simulatedRows, SOURCES, streamDefinition } from './gx/differential-rows';

process.env.METADATA_SERVER_DETECTION = 'none';

const gx = gxPython();
const describeWithGx = 'python' in gx ? describe : describe.skip;

describeWithGx(`Great Expectations 1.24.1 and Insight Hub judge alike${'python' in gx ? '' : ` (${skippedBecause(gx.missing)})`}`, () => {
  const python = 'python' in gx ? gx.python : '';
  const runTime = new Date();
  let cases: DifferentialCase[] = [];

  beforeAll(async () => {
    const simulated = await simulatedRows(runTime);
    cases = DEFAULT_SUITES.map(([source, name]) => {
      const stream = streamDefinition(source, name);
      const document: unknown = JSON.parse(readFileSync(join(SOURCES, source, 'suites', `${name}.json`), 'utf8'));
      const suite = parseSuite(document);
      const rows = simulated.get(`${source}/${name}`) ?? [];
      const base = rows.find((row) => stream.deletedColumn === undefined || row[stream.deletedColumn] !== true) ?? {};
      const edges = edgeRows(
        stream,
        suite,
        base,
        suiteParameterValues(
          suite.expectations.map((e) => e.kwargs),
          runTime,
        ),
      );
      return { name: `${source}.${name}`, stream, document, rows: [...rows, ...edges], simulated: rows.length };
    });
    const contact = cases[0];
    if (contact) {
      const extra = parseSuite(EXTRA_SUITE);
      const base = contact.rows[0] ?? {};
      const zoes = [0, 1, 2].map((n) => ({
        ...base,
        id: `003ZOE${n}`,
        last_name: 'Zoë',
        email: n === 2 ? 'ZOE@EXAMPLE.COM' : `zoë${n}@example.com`,
      }));
      const edges = edgeRows(
        contact.stream,
        extra,
        base,
        suiteParameterValues(
          extra.expectations.map((e) => e.kwargs),
          runTime,
        ),
      );
      cases.push({
        name: 'salesforce.contact (more expectation types)',
        stream: contact.stream,
        document: EXTRA_SUITE,
        rows: [...contact.rows, ...zoes, ...edges],
        simulated: 0,
      });
    }
  }, 300_000);

  it('reads every row from the simulators as its stream types it, so typing them at the gate changes none', () => {
    for (const item of cases) {
      const simulatedOnly = item.rows.slice(0, item.simulated);
      expect({ stream: item.name, changed: simulatedOnly.filter((row) => conformToStream(item.stream, row) !== row).slice(0, 3) }).toEqual({
        stream: item.name,
        changed: [],
      });
    }
  });

  it('gives every suite, as shipped, and every batch the same answers, down to each flagged row', async () => {
    const files: Record<string, string> = {};
    const job = {
      kind: 'validate',
      cases: cases.map((item, i) => {
        files[`batch-${i}.ndjson`] = item.rows.map((row) => JSON.stringify(row)).join('\n');
        const suite = parseSuite(item.document);
        return {
          suite: item.document,
          parameters: suiteParameterValues(
            suite.expectations.map((e) => e.kwargs),
            runTime,
          ),
          batch: `file:batch-${i}.ndjson`,
          columns: Object.fromEntries(item.stream.columns.map((c) => [c.name, c.type])),
          deleted_column: item.stream.deletedColumn ?? null,
        };
      }),
    };
    const answers = gxAnswers.parse(await runPython(python, job, files)).answers;
    const seen = { failed: 0, raised: 0, flagged: 0, byRowCondition: 0 };
    const found = cases.flatMap((item, i) => {
      const suite = parseSuite(item.document);
      const conformed = item.rows.map((row) => conformToStream(item.stream, row));
      const { report, verdicts } = evaluate(suite, conformed, {
        runTime,
        deletedColumn: item.stream.deletedColumn,
        columns: item.stream.columns,
      });
      const flagged = new Map<string, number[]>();
      verdicts.forEach((verdict, index) => {
        if (verdict.kind !== 'invalid') return;
        for (const label of verdict.failures) {
          const rows = flagged.get(label) ?? [];
          rows.push(index);
          flagged.set(label, rows);
        }
      });
      const theirs = answers[i];
      seen.failed += report.results.filter((r) => !r.success).length;
      seen.raised += report.results.filter((r) => r.exception_info.raised_exception).length;
      seen.flagged += [...flagged.values()].reduce((n, rows) => n + rows.length, 0);
      seen.byRowCondition += report.results.filter(
        (r) => 'row_condition' in r.expectation_config.kwargs && (r.result.unexpected_count ?? 0) > 0,
      ).length;
      return theirs ? differences(item, suite, report, flagged, theirs) : [`${item.name}: no answer from GX`];
    });
    expect(found).toEqual([]);
    // Not agreement on nothing: the batches fail expectations, raise, flag rows and filter them.
    expect(seen.failed).toBeGreaterThan(60);
    expect(seen.raised).toBeGreaterThanOrEqual(5);
    expect(seen.flagged).toBeGreaterThan(1_000);
    expect(seen.byRowCondition).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
