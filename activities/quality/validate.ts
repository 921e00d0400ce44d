/**
 * The quality gate on one staged batch: clean rows (valid rows and deletions) and quarantined rows
 * (each with its reasons) become two content-addressed batches. The workflow gets figures and refs
 * only; the GX report, which quotes values, goes to the caller to store.
 */
import type { BatchRef, QualitySummary } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../sources/types';
import type { Staging } from '../staging/staging';
import { SuiteRun } from './engine';
import type { GeResult } from './report';
import { parseSuite, type ExpectationSuite } from './suite';

export interface ValidateBatchInput {
  /** Staging folder of the connector's stream; quarantine goes to `<area>/quarantine`. */
  area: string;
  stream: StreamDefinition;
  batch: BatchRef;
  suite: ExpectationSuite;
  /** The cycle's start: what relative bounds are resolved against, so a retry judges alike. */
  runTime: Date;
}

export interface ValidateBatchOutput {
  summary: Omit<QualitySummary, 'reportId'>;
  report: GeResult;
}

/** One line of a quarantine batch: the row as staged and the rule labels it failed, in suite order. */
export type QuarantinedRow = { record: Row; reasons: string[] };

export async function validateBatch(deps: { staging: Staging }, input: ValidateBatchInput): Promise<ValidateBatchOutput> {
  const { area, stream, batch, runTime } = input;
  // The suite may have crossed the workflow boundary as JSON: check it again before trusting it.
  const run = new SuiteRun(parseSuite(input.suite), { runTime, deletedColumn: stream.deletedColumn });
  const rows: Row[] = [];
  for await (const row of deps.staging.readBatch(batch)) {
    rows.push(row);
    run.add(row);
  }
  const { report, verdicts } = run.finish();

  const clean: Row[] = [];
  const quarantined: QuarantinedRow[] = [];
  const failuresByRule: Record<string, number> = {};
  let deletes = 0;
  rows.forEach((record, index) => {
    const verdict = verdicts[index];
    if (verdict?.kind === 'invalid') {
      quarantined.push({ record, reasons: [...verdict.failures] });
      for (const rule of verdict.failures) failuresByRule[rule] = (failuresByRule[rule] ?? 0) + 1;
      return;
    }
    if (verdict?.kind === 'deletion') deletes += 1;
    clean.push(record);
  });

  const evaluated = rows.length - deletes;
  return {
    summary: {
      evaluated,
      valid: evaluated - quarantined.length,
      invalid: quarantined.length,
      deletes,
      invalidShare: evaluated === 0 ? 0 : quarantined.length / evaluated,
      failuresByRule,
      success: report.success,
      clean: clean.length ? await deps.staging.writeBatch(area, stream, clean, batch.cursorAfter) : null,
      // The quarantine never moves a cursor: the clean batch carries it.
      quarantine: quarantined.length
        ? await deps.staging.writeBatch(`${area}/quarantine`, stream, quarantined, null)
        : null,
    },
    report,
  };
}
