/**
 * Times the expectation engine alone: the default contact suite over generated contacts, one in
 * twenty flawed, first with values as they come, then as the quality gate runs it (validate.ts):
 * each row conformed to the contact stream's columns, and judged as their types hold them.
 * Run: `npx tsx bench/quality-engine.ts [rows]` (100 000 by default).
 */
import { evaluate, type EvaluateOptions } from '../activities/quality/engine';
import { defaultSuiteFor } from '../activities/quality/suites';
import { conformToStream } from '../activities/quality/validate';
import { salesforceStreams } from '../activities/sources/salesforce/definition';
import type { Row } from '../activities/sources/types';

const rowCount = Number(process.argv[2] ?? 100_000);
const runTime = new Date();
const DAY_MS = 86_400_000;

/** A clean contact, then one flaw in every twentieth row, cycling through the kinds of flaw. */
function contact(i: number): Row {
  const created = new Date(runTime.getTime() - (i % 700) * DAY_MS).toISOString();
  const row: Row = {
    id: `003${String(i).padStart(15, '0')}`,
    customer_id: `CUST-${100_000 + i}`,
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: `ada.lovelace${i}@example.com`,
    is_active: true,
    is_deleted: false,
    created_at: created,
    system_modstamp: created,
  };
  const flaws: Row[] = [
    { customer_id: `CUST-${100_000 + i - 20}` },
    { email: null },
    { email: '+1 415-555-0100' },
    { created_at: '1999-01-01T00:00:00.000Z' },
    { is_active: false },
  ];
  return i % 20 === 0 ? { ...row, ...flaws[(i / 20) % flaws.length] } : row;
}

const rows = Array.from({ length: rowCount }, (_, i) => contact(i));
const suite = defaultSuiteFor('salesforce', 'contact');
const stream = salesforceStreams.contact;
const asGiven = { runTime, deletedColumn: 'is_deleted' };
const typed = { ...asGiven, columns: stream.columns };

/** One timed pass: wall seconds, CPU seconds (steadier on a busy machine), invalid rows. */
function timedPass(options: EvaluateOptions, conform: boolean): { wall: number; cpu: number; invalid: number } {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const judged = conform ? rows.map((row) => conformToStream(stream, row)) : rows;
  const { verdicts } = evaluate(suite, judged, options);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, invalid: verdicts.filter((v) => v.kind === 'invalid').length };
}

for (const [label, options, conform] of [
  ['values as they come', asGiven, false],
  ["typed as the gate runs it (conformed, the stream's columns)", typed, true],
] as const) {
  evaluate(suite, rows.slice(0, 1_000), options);
  const passes = Array.from({ length: 5 }, () => timedPass(options, conform)).sort((a, b) => a.wall - b.wall);
  const median = passes[2];
  if (median) {
    process.stdout.write(
      `quality engine, default contact suite (${suite.expectations.length} expectations), ${label}: ${rowCount} rows, ` +
        `${median.invalid} invalid; median of 5 passes ${median.wall.toFixed(3)} s wall, ${median.cpu.toFixed(3)} s CPU, ` +
        `${Math.round(rowCount / median.wall)} rows/s\n`,
    );
  }
}
