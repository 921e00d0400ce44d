/**
 * Times the expectation engine alone: the default contact suite over generated contacts, one in
 * twenty flawed. Run: `npx tsx bench/quality-engine.ts [rows]` (100 000 by default).
 */
import { evaluate } from '../activities/quality/engine';
import { defaultSuiteFor } from '../activities/quality/suites';
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
const options = { runTime, deletedColumn: 'is_deleted' };
evaluate(suite, rows.slice(0, 1_000), options);

/** One timed pass: wall seconds, CPU seconds (steadier on a busy machine), invalid rows. */
function timedPass(): { wall: number; cpu: number; invalid: number } {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { verdicts } = evaluate(suite, rows, options);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, invalid: verdicts.filter((v) => v.kind === 'invalid').length };
}

const passes = Array.from({ length: 5 }, timedPass).sort((a, b) => a.wall - b.wall);
const median = passes[2];
if (median) {
  process.stdout.write(
    `quality engine, default contact suite (${suite.expectations.length} expectations): ${rowCount} rows, ` +
      `${median.invalid} invalid; median of 5 passes ${median.wall.toFixed(3)} s wall, ${median.cpu.toFixed(3)} s CPU, ` +
      `${Math.round(rowCount / median.wall)} rows/s\n`,
  );
}
