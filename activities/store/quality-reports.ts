/**
 * Quality reports as a manager picks one to re-validate: the figures of each, computed in SQL so the
 * rows a report may quote (Great Expectations' partial_unexpected_list) never leave the database.
 * And as an erasure takes a subject's quoted values out of them.
 */
import { z } from 'zod';
import { erasureSubjectSchema, type ErasureSubject } from '../../domain/privacy';
import { redactReport, subjectQuotes, textsOf, type QualityReportRedaction, type SubjectRecord } from '../privacy/report-redaction';
import { labelOf } from './analyze';
import { isUuid, limitSchema, parseInput, qualityReportEntrySchema, uuidSchema } from './inputs';
import { firstRowOf, rowsOf } from './query';
import { rollUpQualityDay } from './rollups';
import { idRow, qualityReportRow, timestamp } from './rows';
import type { SqlClient, SqlExecutor } from './sql-client';

export interface QualityReportEntry {
  connectorId: string;
  stream: string;
  batchSha256: string;
  /** The expectation suite result in Great Expectations' shape. */
  report: Record<string, unknown>;
}

export type StoredQualityReport = QualityReportEntry & { id: string; createdAt: string };

/** A stored quality report as listed: its figures, never the records it names. */
export interface QualityReportFigures {
  id: string;
  stream: string;
  batchSha256: string;
  createdAt: string;
  /** Per expectation, in the report's order, named by the quality gate's rule label (`not_null(email)`). */
  rules: { rule: string; elementCount: number; unexpectedCount: number }[];
  /** Rows staged in quarantine (0 when none failed); null when the report predates stored quarantine references. */
  quarantinedRows: number | null;
}

export interface QualityReportFilter {
  stream?: string;
  /** 1 to 1000; 50 when omitted. */
  limit?: number;
}

export interface QualityReportRepository {
  /** Idempotent by (connectorId, stream, batchSha256): the first report stored for a batch stays. Returns its id. */
  save(entry: QualityReportEntry): Promise<string>;
  get(id: string): Promise<StoredQualityReport | null>;
  /** Newest first; a malformed connector id names no connector, so it lists nothing. */
  list(connectorId: string, filter?: QualityReportFilter): Promise<QualityReportFigures[]>;
  /**
   * Takes the subject's values out of what stored reports quote: its email, its customer id, and what
   * its quarantined `records` show for a rule. Idempotent; the figures are the request's whole work
   * so far, a retry's included.
   */
  redact(requestId: string, subject: ErasureSubject, records: readonly SubjectRecord[]): Promise<QualityReportRedaction>;
}

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
  .transform((row): QualityReportFigures => ({
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
  }));

export async function listQualityReports(
  db: SqlExecutor,
  connectorId: string,
  input: QualityReportFilter = {},
): Promise<QualityReportFigures[]> {
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
const recordsSchema = z.array(
  z.object({ connectorId: z.string().min(1), stream: z.string().min(1), record: z.record(z.string(), z.unknown()) }),
);

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

/** The same batch and suite give the same report, so the first one stored for a batch stays. */
async function saveQualityReport(db: SqlClient, entry: QualityReportEntry): Promise<string> {
  const report = parseInput(qualityReportEntrySchema, entry, 'quality report');
  const params = [report.connectorId, report.stream, report.batchSha256];
  return db.transaction(async (tx) => {
    const [inserted] = await rowsOf(
      tx,
      idRow,
      `INSERT INTO quality_report (connector_id, stream, batch_sha256, report) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (connector_id, stream, batch_sha256) DO NOTHING RETURNING id`,
      [...params, JSON.stringify(report.report)],
    );
    if (inserted) {
      await rollUpQualityDay(tx, report.connectorId, report.stream);
      return inserted.id;
    }
    const [existing] = await rowsOf(
      tx,
      idRow,
      'SELECT id FROM quality_report WHERE connector_id = $1 AND stream = $2 AND batch_sha256 = $3',
      params,
    );
    if (!existing) throw new Error('quality report vanished between INSERT and SELECT');
    return existing.id;
  });
}

async function getQualityReport(db: SqlExecutor, id: string): Promise<StoredQualityReport | null> {
  if (!isUuid(id)) return null;
  return firstRowOf(
    db,
    qualityReportRow,
    'SELECT id, connector_id, stream, batch_sha256, report, created_at FROM quality_report WHERE id = $1',
    [id],
  );
}

export function sqlQualityReports(db: SqlClient): QualityReportRepository {
  return {
    save: (entry) => saveQualityReport(db, entry),
    get: (id) => getQualityReport(db, id),
    list: (connectorId, filter) => listQualityReports(db, connectorId, filter),
    redact: (requestId, subject, records) => redactQualityReports(db, requestId, subject, records),
  };
}
