/** The fault runner's judge catches each kind of damage a crash could do, and passes a sound run. */
import { judge, type Observed, type SourceContact } from '../../bench/faults/invariants';
import type { CycleReport } from '../../domain/cycle';
import { emptyStreamReport } from '../../workflows/cycle-report';

const contact = (id: string, extra: Partial<SourceContact> = {}): SourceContact => ({
  id,
  title: 'Buyer',
  modstamp: `2026-01-01T00:00:0${id}.000Z`,
  optedOut: false,
  deleted: false,
  flaws: [],
  ...extra,
});

const report = (workflowId: string, quarantined: number): CycleReport => ({
  workflowId,
  connectorId: 'c',
  status: 'completed',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  streams: [{ ...emptyStreamReport('contact'), quarantined, extracted: 6, loaded: 3, apiCalls: 1 }],
});

/** Six contacts: valid 1 and 2, flawed 3, a duplicate pair 4 and 5, opted-out 6; and a sound run over them. */
function soundRun(): Observed {
  return {
    source: [
      contact('1'),
      contact('2', { title: 'revision 2' }),
      contact('3', { flaws: ['null-email'] }),
      contact('4', { flaws: ['duplicate-customer-id'] }),
      contact('5', { flaws: ['duplicate-customer-id'] }),
      contact('6', { optedOut: true }),
    ],
    warehouse: [
      { id: '1', customerId: 'a', title: 'Buyer' },
      { id: '2', customerId: 'b', title: 'revision 2' },
      { id: '4', customerId: 'd', title: 'Buyer' },
    ],
    quarantineKeys: ['3', '5'],
    cursor: { value: '2026-01-01T00:00:06.000Z', lastKey: '6' },
    cycles: [{ workflowId: 'w1', status: 'COMPLETED' }],
    running: [],
    cycleHolder: null,
    reports: [report('w1', 2)],
    outcomes: 1,
    auditedCycles: ['w1'],
    metrics: { runs: 1, rowsExtracted: 6, rowsLoaded: 3, rowsDeleted: 0, rowsQuarantined: 2, apiCalls: 1 },
  };
}

const failed = (observed: Observed) =>
  judge(observed)
    .filter((invariant) => !invariant.pass)
    .map((invariant) => invariant.name);

test('a sound run passes every invariant', () => {
  expect(failed(soundRun())).toEqual([]);
});

test.each<[string, (run: Observed) => void, string]>([
  [
    'a row loaded twice',
    (run) => run.warehouse.push({ id: '1', customerId: 'a', title: 'Buyer' }),
    'every valid source row in the warehouse exactly once',
  ],
  ['a valid row lost', (run) => run.warehouse.splice(0, 1), 'every valid source row in the warehouse exactly once'],
  [
    'an old version kept',
    (run) => (run.warehouse[1] = { id: '2', customerId: 'b', title: 'Buyer' }),
    'every valid source row in the warehouse exactly once',
  ],
  [
    'both of a duplicate pair loaded',
    (run) => run.warehouse.push({ id: '5', customerId: 'd', title: 'Buyer' }),
    'every valid source row in the warehouse exactly once',
  ],
  [
    'an opted-out row loaded',
    (run) => run.warehouse.push({ id: '6', customerId: 'f', title: 'Buyer' }),
    'every valid source row in the warehouse exactly once',
  ],
  ['a flawed row quarantined twice', (run) => run.quarantineKeys.push('3'), 'the quarantine holds each flawed row once'],
  ['a flawed row lost', (run) => (run.quarantineKeys = ['5']), 'the quarantine holds each flawed row once'],
  [
    'a cursor behind',
    (run) => (run.cursor = { value: '2026-01-01T00:00:05.000Z', lastKey: '5' }),
    'the cursor equals the last loaded position',
  ],
  ['a cycle still running', (run) => run.running.push('w1'), 'no cycle stuck'],
  ['a cycle that failed', (run) => (run.cycles[0] = { workflowId: 'w1', status: 'FAILED' }), 'no cycle stuck'],
  ['a claim never released', (run) => (run.cycleHolder = 'w1'), 'no cycle stuck'],
  ['a run report saved twice', (run) => run.reports.push(report('w1', 2)), 'run reports and daily metrics counted once'],
  ['a cycle audited twice', (run) => run.auditedCycles.push('w1'), 'run reports and daily metrics counted once'],
  ['a day counting a run twice', (run) => (run.metrics.runs = 2), 'run reports and daily metrics counted once'],
  ['rows counted twice in the metrics', (run) => (run.metrics.rowsLoaded = 6), 'run reports and daily metrics counted once'],
])('%s fails its invariant', (_, damage, invariant) => {
  const run = soundRun();
  damage(run);
  expect(failed(run)).toContain(invariant);
});
