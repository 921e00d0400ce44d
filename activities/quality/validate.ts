/**
 * The quality gate on one staged batch: clean rows (valid rows and deletions) and quarantined rows
 * (each with its reasons) become two content-addressed batches. The workflow gets figures and refs
 * only; the GX report, which quotes values, goes to the caller to store. Rows of erased subjects
 * are screened out first, so that no report quotes them.
 */
import type { BatchRef, QualitySummary } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import { screenConsent } from '../privacy/load-screen';
import type { SuppressionList } from '../privacy/suppression';
import { markUnconvertible, unconvertibleColumns, type Row } from '../sources/types';
import { stagedLine, type Staging } from '../staging/staging';
import { HeldOutside, type HeldValueLookup } from './beyond-batch';
import { SuiteRun } from './engine';
import type { GeResult } from './report';
import { parseSuite, type ExpectationSuite } from './suite';
import { typedValue } from './values';

export interface ValidateBatchDeps {
  staging: Staging;
  /** The stream's table, where unique values may be held already (./beyond-batch.ts); absent: the batch alone is judged. */
  warehouse?: HeldValueLookup | null;
  /** Erased subjects, whose rows are dropped before they are judged; absent: none are. */
  suppression?: Pick<SuppressionList, 'matches'> | null;
}

export interface ValidateBatchInput {
  /** Staging folder of the connector's stream; quarantine goes to `<area>/quarantine`. */
  area: string;
  stream: StreamDefinition;
  batch: BatchRef;
  suite: ExpectationSuite;
  /** The cycle's start: what relative bounds are resolved against, so a retry judges alike. */
  runTime: Date;
  /** What the clean rows this read validated but did not load (a dry run) hold: the previous batch's `held`. */
  earlier?: BatchRef | null;
  /** Stage `held` for the next batch: the read loads nothing (a dry run). */
  keepHeld?: boolean;
  /**
   * Write the clean rows screened for consent (privacy/load-screen.ts), as the load would: a row
   * withholding it becomes a deletion of its key. The load then reads the batch only to screen out
   * subjects erased since, if any; the summary says how many rows were withheld.
   */
  screenConsent?: boolean;
}

export interface ValidateBatchOutput {
  summary: Omit<QualitySummary, 'reportId'> & Required<Pick<QualitySummary, 'suppressed' | 'batchFailures'>>;
  report: GeResult;
}

/** The quarantine reason of a row whose `column` held a value its type cannot take. */
export const convertibleLabel = (column: string): string => `convertible(${column})`;

const isDeletion = (stream: StreamDefinition, row: Row): boolean =>
  stream.deletedColumn !== undefined && row[stream.deletedColumn] === true;

/**
 * The row as its stream's types hold it, as the warehouse (and GX, given the typed batch) would: a
 * value its column cannot take (a text in a number column, `2024-02-30` in a timestamp one) is set
 * aside as a mapper sets it aside, so the row is quarantined with `convertible(column)`. Mappers
 * already do this; rows staged otherwise (older quarantines, the inbox) get the same rule here.
 */
export function conformToStream(stream: StreamDefinition, row: Row): Row {
  if (isDeletion(stream, row)) return row;
  let conformed: Row | null = null;
  for (const column of stream.columns) {
    const raw = row[column.name];
    if (raw === null || raw === undefined || typedValue(column.type, raw) !== null) continue;
    conformed ??= { ...row };
    markUnconvertible(conformed, column.name, raw);
  }
  return conformed ?? row;
}

export async function validateBatch(deps: ValidateBatchDeps, input: ValidateBatchInput): Promise<ValidateBatchOutput> {
  const { area, stream, batch, runTime } = input;
  // The suite may have crossed the workflow boundary as JSON: check it again before trusting it.
  const suite = parseSuite(input.suite);
  const rows: Row[] = [];
  // Each row's line as staged, while the row is the one parsed from it: written on unchanged, a row keeps its line.
  const lines: (string | null)[] = [];
  let suppressed = 0;
  for (const line of await deps.staging.readLines(batch)) {
    const row = JSON.parse(line) as Row;
    if (deps.suppression?.matches(row)) {
      suppressed += 1;
      continue;
    }
    const conformed = conformToStream(stream, row);
    rows.push(conformed);
    lines.push(conformed === row ? line : null);
  }
  const lineOf = (index: number, row: Row): string => (row === rows[index] ? lines[index] : null) ?? stagedLine(row);
  const outside = await HeldOutside.gather(stream, suite, rows, {
    warehouse: deps.warehouse ?? null,
    earlier: input.earlier ? deps.staging.readBatch(input.earlier) : null,
  });
  const run = new SuiteRun(suite, {
    runTime,
    deletedColumn: stream.deletedColumn,
    takenOutside: outside.takenOutside(),
    columns: stream.columns,
  });
  for (const row of rows) run.add(row);
  const { report, verdicts, batchFailures } = run.finish();

  // The clean rows themselves only for what a dry run holds: the files are written from lines.
  const cleanHeld: Row[] = [];
  const cleanLines: string[] = [];
  const quarantineLines: string[] = [];
  const failuresByRule: Record<string, number> = {};
  let deletes = 0;
  const consent = { withoutConsent: 0 };
  rows.forEach((record, index) => {
    const verdict = verdicts[index];
    // A value the source's mapper could not convert (its column is null) fails its row whatever the
    // suite says; a deletion has nothing left to convert.
    const unconvertible = verdict?.kind === 'deletion' ? [] : unconvertibleColumns(record).map(convertibleLabel);
    const reasons = [...unconvertible, ...(verdict?.kind === 'invalid' ? verdict.failures : [])];
    if (reasons.length > 0) {
      // A quarantine line: the row as staged and the rule labels it failed, in suite order, as stagedLine({ record, reasons }) writes it.
      quarantineLines.push(`{"record":${lineOf(index, record)},"reasons":${JSON.stringify(reasons)}}`);
      for (const rule of reasons) failuresByRule[rule] = (failuresByRule[rule] ?? 0) + 1;
      return;
    }
    if (verdict?.kind === 'deletion') deletes += 1;
    if (input.keepHeld) cleanHeld.push(record);
    const toLoad = input.screenConsent ? screenConsent(stream, record, consent) : record;
    if (toLoad) cleanLines.push(lineOf(index, toLoad));
  });

  const invalid = quarantineLines.length;
  const evaluated = rows.length - deletes;
  const held = input.keepHeld ? outside.heldWith(cleanHeld) : [];
  return {
    summary: {
      suppressed,
      evaluated,
      valid: evaluated - invalid,
      invalid,
      deletes,
      invalidShare: evaluated === 0 ? 0 : invalid / evaluated,
      failuresByRule,
      success: report.success,
      batchFailures,
      clean: cleanLines.length ? await deps.staging.writeLines(area, stream, cleanLines, batch.cursorAfter) : null,
      // The quarantine never moves a cursor: the clean batch carries it.
      quarantine: invalid ? await deps.staging.writeLines(`${area}/quarantine`, stream, quarantineLines, null) : null,
      ...(input.keepHeld && { held: held.length ? await deps.staging.writeBatch(`${area}/held`, stream, held, null) : null }),
      ...(input.screenConsent && { withoutConsent: consent.withoutConsent }),
    },
    report,
  };
}
