/**
 * What must hold after any number of crashes, judged against the simulator's ground truth: every
 * valid row in the warehouse once and in its latest version, every flawed row quarantined once,
 * the cursor at the last row read, every cycle closed, and each cycle counted once in the run
 * reports, outcomes, audit log and daily metrics.
 */
import type { CycleReport, StreamCursor } from '../../domain/cycle';

export interface Invariant {
  name: string;
  pass: boolean;
  detail: string;
}

/** One contact of the simulated org as the checks need it. */
export interface SourceContact {
  id: string;
  title: string | null;
  modstamp: string;
  optedOut: boolean;
  deleted: boolean;
  flaws: readonly string[];
}

export interface Observed {
  source: SourceContact[];
  warehouse: { id: string; customerId: string | null; title: string | null }[];
  quarantineKeys: string[];
  cursor: StreamCursor | undefined;
  /** The cycles the runner started, by workflow id, with how Temporal closed them. */
  cycles: { workflowId: string; status: string }[];
  /** Ingestion cycles of the connector Temporal still lists as running. */
  running: string[];
  cycleHolder: string | null;
  reports: CycleReport[];
  outcomes: number;
  /** The workflow id of every `cycle.*` audit entry. */
  auditedCycles: string[];
  metrics: Record<string, number>;
}

const DUPLICATE = 'duplicate-customer-id';

const check = (name: string, problems: string[], passed: string): Invariant => ({
  name,
  pass: problems.length === 0,
  detail: problems.length === 0 ? passed : problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; … ${problems.length - 5} more` : ''),
});

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const repeated = (counts: Map<string, number>): string[] => [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);

export function judge(observed: Observed): Invariant[] {
  return [
    rowsExactlyOnce(observed),
    quarantineOnce(observed),
    cursorAtLastRow(observed),
    noCycleStuck(observed),
    countedOnce(observed),
    figuresMatchTables(observed),
  ];
}

/**
 * Valid rows (no flaw, consent given, not deleted) are in the warehouse exactly once, in their
 * latest version; flawed, opted-out, deleted and unknown rows are not. Of a duplicate pair, the row
 * read first may be loaded (which one depends on batch boundaries), never both.
 */
function rowsExactlyOnce({ source, warehouse }: Observed): Invariant {
  const problems: string[] = [];
  const held = countBy(warehouse, (row) => row.id);
  problems.push(...repeated(held).map((entry) => `row ${entry} in the warehouse`));
  const byId = new Map(source.map((contact) => [contact.id, contact]));
  let valid = 0;
  for (const contact of source) {
    const isValid = !contact.deleted && !contact.optedOut && contact.flaws.length === 0;
    if (isValid) valid += 1;
    if (isValid && !held.has(contact.id)) problems.push(`valid row ${contact.id} missing`);
  }
  for (const row of warehouse) {
    const contact = byId.get(row.id);
    if (!contact) problems.push(`row ${row.id} is not in the source`);
    else if (contact.deleted) problems.push(`deleted row ${row.id} still loaded`);
    else if (contact.optedOut) problems.push(`opted-out row ${row.id} loaded`);
    else if (contact.flaws.some((flaw) => flaw !== DUPLICATE)) problems.push(`flawed row ${row.id} (${contact.flaws.join(', ')}) loaded`);
    else if (contact.title !== row.title) problems.push(`row ${row.id} holds an old version (title ${row.title} ≠ ${contact.title})`);
  }
  const customerIds = countBy(
    warehouse.filter((row) => row.customerId !== null),
    (row) => String(row.customerId),
  );
  problems.push(...repeated(customerIds).map((entry) => `customer id ${entry} in the warehouse`));
  return check(
    'every valid source row in the warehouse exactly once',
    problems,
    `${warehouse.length} rows, ${valid} valid in the source, none missing, none twice, each in its latest version`,
  );
}

/** Each flawed row is quarantined once; a duplicate pair's member once, unless it was loaded (or screened out). */
function quarantineOnce({ source, warehouse, quarantineKeys }: Observed): Invariant {
  const problems: string[] = [];
  const quarantined = countBy(quarantineKeys, (key) => key);
  problems.push(...repeated(quarantined).map((entry) => `row ${entry} in the quarantine`));
  const loaded = new Set(warehouse.map((row) => row.id));
  const byId = new Map(source.map((contact) => [contact.id, contact]));
  for (const contact of source) {
    if (contact.deleted || contact.flaws.length === 0) continue;
    const isPair = contact.flaws.includes(DUPLICATE);
    const placed = quarantined.has(contact.id) || loaded.has(contact.id);
    if (!isPair && !quarantined.has(contact.id)) problems.push(`flawed row ${contact.id} (${contact.flaws.join(', ')}) not quarantined`);
    if (isPair && !placed && !contact.optedOut) problems.push(`duplicate ${contact.id} neither loaded nor quarantined`);
    if (isPair && quarantined.has(contact.id) && loaded.has(contact.id))
      problems.push(`duplicate ${contact.id} both loaded and quarantined`);
  }
  for (const key of quarantined.keys()) {
    const contact = byId.get(key);
    if (!contact) problems.push(`quarantined ${key} is not in the source`);
    else if (contact.flaws.length === 0) problems.push(`valid row ${key} quarantined`);
  }
  const flawed = source.filter((contact) => contact.flaws.length > 0).length;
  return check(
    'the quarantine holds each flawed row once',
    problems,
    `${quarantineKeys.length} rows for ${flawed} flawed in the source, none twice`,
  );
}

/** The committed cursor is the last row of the source in cursor order (SystemModstamp, Id), deleted rows included. */
function cursorAtLastRow({ source, cursor }: Observed): Invariant {
  const last = source.reduce<SourceContact | null>((latest, contact) => {
    if (!latest) return contact;
    const order = Date.parse(contact.modstamp) - Date.parse(latest.modstamp) || (contact.id > latest.id ? 1 : -1);
    return order > 0 ? contact : latest;
  }, null);
  const problems: string[] = [];
  if (!last) problems.push('the source is empty');
  else if (!cursor) problems.push('no cursor committed');
  else if (cursor.lastKey !== last.id || Date.parse(cursor.value) !== Date.parse(last.modstamp)) {
    problems.push(`cursor (${cursor.value}, ${cursor.lastKey}) ≠ last source row (${last.modstamp}, ${last.id})`);
  }
  return check('the cursor equals the last loaded position', problems, `(${cursor?.value}, ${cursor?.lastKey}), the source's last row`);
}

function noCycleStuck({ cycles, running, cycleHolder, reports }: Observed): Invariant {
  const problems: string[] = [];
  for (const cycle of cycles) if (cycle.status !== 'COMPLETED') problems.push(`${cycle.workflowId} ${cycle.status}`);
  problems.push(...running.map((workflowId) => `${workflowId} still running`));
  if (cycleHolder !== null) problems.push(`the connector is still claimed by ${cycleHolder}`);
  for (const report of reports)
    if (report.status !== 'completed')
      problems.push(`${report.workflowId} ended ${report.status}${report.detail ? `: ${report.detail}` : ''}`);
  return check('no cycle stuck', problems, `${cycles.length} cycles, all completed; none running; the connector released`);
}

/** One run report, outcome, audit entry and daily `runs` count per cycle, and metrics that are the reports' sums. */
function countedOnce({ cycles, reports, outcomes, auditedCycles, metrics }: Observed): Invariant {
  const problems: string[] = [];
  const started = new Set(cycles.map((cycle) => cycle.workflowId));
  const reported = countBy(reports, (report) => report.workflowId);
  problems.push(...repeated(reported).map((entry) => `run report ${entry}`));
  for (const id of started) if (!reported.has(id)) problems.push(`no run report for ${id}`);
  for (const id of reported.keys()) if (!started.has(id)) problems.push(`a run report for ${id}, which the runner never started`);
  const audited = countBy(auditedCycles, (id) => id);
  problems.push(...repeated(audited).map((entry) => `audit entry ${entry}`));
  if (audited.size !== started.size) problems.push(`${audited.size} cycles audited for ${started.size} run`);
  if (outcomes !== started.size) problems.push(`${outcomes} outcomes for ${started.size} cycles`);
  const sum = (pick: (stream: CycleReport['streams'][number]) => number) =>
    reports.reduce((n, r) => n + r.streams.reduce((m, s) => m + pick(s), 0), 0);
  const expected: Record<string, number> = {
    runs: started.size,
    rowsExtracted: sum((s) => s.extracted),
    rowsLoaded: sum((s) => s.loaded),
    rowsDeleted: sum((s) => s.deleted),
    rowsQuarantined: sum((s) => s.quarantined),
    apiCalls: sum((s) => s.apiCalls),
  };
  for (const [metric, value] of Object.entries(expected)) {
    if ((metrics[metric] ?? 0) !== value) problems.push(`daily metric ${metric} ${metrics[metric] ?? 0} ≠ ${value} in the run reports`);
  }
  return check(
    'run reports and daily metrics counted once',
    problems,
    `${reports.length} reports, ${outcomes} outcomes, ${audited.size} audit entries; metrics ${JSON.stringify(expected)}`,
  );
}

/** What the reports say was quarantined is what the quarantine holds. */
function figuresMatchTables({ reports, quarantineKeys }: Observed): Invariant {
  const reported = reports.reduce((n, r) => n + r.streams.reduce((m, s) => m + s.quarantined, 0), 0);
  const problems =
    reported === quarantineKeys.length ? [] : [`reports count ${reported} quarantined rows, the quarantine holds ${quarantineKeys.length}`];
  return check('report figures match the warehouse', problems, `${reported} quarantined in both`);
}
