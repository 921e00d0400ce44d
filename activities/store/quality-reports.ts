/**
 * Quality reports as a manager picks one to re-validate: the figures of each, computed in SQL so the
 * rows a report may quote (Great Expectations' partial_unexpected_list) never leave the database.
 * And as an erasure takes a subject's quoted values out of them.
 */
import { z } from 'zod';
import { erasureSubjectSchema, type ErasureSubject } from '../../domain/privacy';
import { redactReport, subjectQuotes, textsOf, type QualityReportRedaction, type SubjectRecord } from '../privacy/report-redaction';
import { labelOf } from './analyze';
import { isUuid, limitSchema, parseInput, uuidSchema } from './inputs';
import { rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { QualityReportFigures, QualityReportFilter } from './types';

const filterSchema = z.object({
  stream: z.string().min(1).max(100).optional(),
  limit: limitSchema.default(50),
});

/**
 * meta.quarantine is the staged batch of failing rows: an object with its row count, JSON null when
 * no row failed, absent in reports stored before quarantines were referenced (SQL NULL here).
 */
const LIST_QUALITY_REPORTS = `
  SELECT q.id, q.stream, q.batch_sha256, q.created_at,
         coalesce((SELECT jsonb_agg(jsonb_build_object(
                            'expectation', r.value->'expectation_config',
                            'element_count', coalesce((r.value->'result'->>'element_count')::float8, 0),
                            'unexpected_count', coalesce((r.value->'result'->>'unexpected_count')::float8, 0))
                          ORDER BY r.position)
                     FROM jsonb_array_elements(
                            CASE WHEN jsonb_typeof(q.report->'results') = 'array' THEN q.report->'results' ELSE '[]'::jsonb END)
                          WITH ORDINALITY r(value, position)), '[]'::jsonb) AS results,
         CASE jsonb_typeof(q.report->'meta'->'quarantine')
           WHEN 'object' THEN (q.report->'meta'->'quarantine'->>'rows')::float8
           WHEN 'null' THEN 0
         END AS quarantined_rows
    FROM quality_report q
   WHERE q.connector_id = $1 AND ($2::text IS NULL OR q.stream = $2::text)
   ORDER BY q.created_at DESC, q.id
   LIMIT $3`;

const resultFigures = z.object({ expectation: z.unknown(), element_count: z.number(), unexpected_count: z.number() });

const qualityReportFiguresRow = z
  .object({
    id: z.string(),
    stream: z.string(),
    batch_sha256: z.string(),
    created_at: timestamp,
    results: z.array(resultFigures),
    quarantined_rows: z.number().nullable(),
  })
  .transform(
    (row): QualityReportFigures => ({
      id: row.id,
      stream: row.stream,
      batchSha256: row.batch_sha256,
      createdAt: row.created_at,
      rules: row.results.map((result) => ({
        rule: labelOf(result.expectation) ?? '(no expectation type)',
        elementCount: result.element_count,
        unexpectedCount: result.unexpected_count,
      })),
      quarantinedRows: row.quarantined_rows,
    }),
  );

export async function listQualityReports(db: SqlExecutor, connectorId: string, input: QualityReportFilter = {}): Promise<QualityReportFigures[]> {
  const filter = parseInput(filterSchema, input, 'quality report filter');
  if (!isUuid(connectorId)) return [];
  return rowsOf(db, qualityReportFiguresRow, LIST_QUALITY_REPORTS, [connectorId, filter.stream ?? null, filter.limit]);
}

// ---- Erasure ----

/**
 * Reports with a quoted text that may be the subject's ($1: its address, lower-case, or null; $2: its
 * customer id, or null; $3: what its quarantined records hold, per connector and stream). Wider than
 * the match itself (report-redaction.ts decides), so no report it would change is missed; locked
 * for the rewrite.
 */
const REPORTS_QUOTING = `
  SELECT q.id, q.connector_id::text AS connector_id, q.stream, q.report
    FROM quality_report q
   WHERE EXISTS (
           SELECT 1
             FROM jsonb_array_elements(
                    CASE WHEN jsonb_typeof(q.report->'results') = 'array' THEN q.report->'results' ELSE '[]'::jsonb END) r(result),
                  jsonb_path_query(r.result, 'lax $.result.partial_unexpected_list[*].**') v(quoted)
            WHERE jsonb_typeof(v.quoted) IN ('string', 'number')
              AND (strpos(lower(v.quoted #>> '{}'), $1::text) > 0
                   OR strpos(v.quoted #>> '{}', $2::text) > 0
                   OR EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) t(connector_id text, stream text, value text)
                               WHERE t.connector_id = q.connector_id::text AND t.stream = q.stream AND t.value = v.quoted #>> '{}')))
   ORDER BY q.id
     FOR UPDATE OF q`;

/** Reports an erasure request has redacted, and the values it took out, from the marks it left. */
const REDACTED_BY_REQUEST = `
  SELECT count(*) AS reports, coalesce(sum((mark->>'values')::float8), 0) AS "values"
    FROM quality_report q
   CROSS JOIN LATERAL jsonb_array_elements(
           CASE WHEN jsonb_typeof(q.report->'meta'->'erasures') = 'array' THEN q.report->'meta'->'erasures' ELSE '[]'::jsonb END) mark
   WHERE mark->>'request_id' = $1`;

const quotingRow = z.object({ id: z.string(), connector_id: z.string(), stream: z.string(), report: z.record(z.string(), z.unknown()) });
const tallyRow = z.object({ reports: z.coerce.number().int().nonnegative(), values: z.coerce.number().int().nonnegative() });
const recordsSchema = z.array(z.object({ connectorId: z.string().min(1), stream: z.string().min(1), record: z.record(z.string(), z.unknown()) }));

export async function redactQualityReports(
  db: SqlClient,
  requestId: string,
  input: ErasureSubject,
  traced: readonly SubjectRecord[],
): Promise<QualityReportRedaction> {
  const request = parseInput(uuidSchema, requestId, 'erasure request id');
  const subject = parseInput(erasureSubjectSchema, input, 'erasure subject');
  const records = parseInput(recordsSchema, traced, 'quarantined records of the subject');
  const tracedTexts = records.flatMap(({ connectorId, stream, record }) =>
    [...textsOf(Object.values(record))].map((value) => ({ connector_id: connectorId, stream, value })),
  );
  return db.transaction(async (tx) => {
    const quoting = await rowsOf(tx, quotingRow, REPORTS_QUOTING, [
      'email' in subject ? subject.email.trim().toLowerCase() : null,
      'customerId' in subject ? subject.customerId.trim() : null,
      JSON.stringify(tracedTexts),
    ]);
    for (const row of quoting) {
      const own = records.filter((r) => r.connectorId === row.connector_id && r.stream === row.stream).map((r) => r.record);
      const { report, values } = redactReport(row.report, subjectQuotes(subject, own), request);
      if (values > 0) await tx.query('UPDATE quality_report SET report = $2::jsonb WHERE id = $1', [row.id, JSON.stringify(report)]);
    }
    const [tally] = await rowsOf(tx, tallyRow, REDACTED_BY_REQUEST, [request]);
    return tally ?? { reports: 0, values: 0 };
  });
}
