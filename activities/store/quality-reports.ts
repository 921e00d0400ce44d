/**
 * Quality reports as a manager picks one to re-validate: the figures of each, computed in SQL so the
 * rows a report may quote (Great Expectations' partial_unexpected_list) never leave the database.
 */
import { z } from 'zod';
import { labelOf } from './analyze';
import { isUuid, limitSchema, parseInput } from './inputs';
import { rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlExecutor } from './sql-client';
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
