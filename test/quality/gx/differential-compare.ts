/** GX's answers read, and compared with ours field by field and row by row, in a form both write alike. */
import { z } from 'zod';
import { parsePreciseInstant } from '../../../activities/quality/instants';
import type { GeResult } from '../../../activities/quality/report';
import { ruleLabels, type ExpectationSuite } from '../../../activities/quality/suite';
import type { Row } from '../../../activities/sources/types';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';

const gxResult = z.object({
  success: z.boolean(),
  raised: z.boolean(),
  result: z.record(z.string(), z.unknown()),
  unexpected_index_list: z.array(z.number()).nullable().optional(),
});
export const gxAnswers = z.object({ answers: z.array(z.object({ success: z.boolean(), results: z.array(gxResult) })) });

export interface DifferentialCase {
  name: string;
  stream: StreamDefinition;
  document: unknown;
  rows: Row[];
  /** How many of the rows came from the simulator (the rest are edges). */
  simulated: number;
}

/** A quoted value in a form both sides write alike: timestamps as instants ("NaT" is GX's missing one). */
function comparable(value: unknown, type: ColumnType | undefined): unknown {
  if ((type === 'timestamp' || type === 'date') && typeof value === 'string') {
    if (value === 'NaT') return null;
    const instant = parsePreciseInstant(value.replace(/\+00:00$/, 'Z'));
    return instant ? `${instant.ms}.${instant.us}` : value;
  }
  return value ?? null;
}

function comparableField(
  key: string,
  value: unknown,
  columns: readonly string[],
  typeOf: (column: string) => ColumnType | undefined,
): unknown {
  const one = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map((member, i) => comparable(member, typeOf(columns[i] ?? '')));
    if (typeof item === 'object' && item !== null && columns.length > 1)
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, comparable(v, typeOf(k))]));
    return comparable(item, typeOf(columns[0] ?? ''));
  };
  if (key === 'partial_unexpected_list' && Array.isArray(value)) return value.map(one);
  const counts = z.array(z.object({ value: z.unknown(), count: z.number() })).safeParse(value);
  if (key === 'partial_unexpected_counts' && counts.success)
    return counts.data.map((entry) => ({ value: one(entry.value), count: entry.count }));
  return value;
}

export function differences(
  item: DifferentialCase,
  suite: ExpectationSuite,
  ours: GeResult,
  flagged: Map<string, number[]>,
  theirs: z.infer<typeof gxAnswers>['answers'][number],
): string[] {
  const found: string[] = [];
  const labels = ruleLabels(suite);
  const typeOf = (column: string) => item.stream.columns.find((c) => c.name === column)?.type;
  if (ours.success !== theirs.success) found.push(`${item.name}: suite success ${String(ours.success)}, GX ${String(theirs.success)}`);
  suite.expectations.forEach((expectation, i) => {
    const label = `${item.name} ${labels[i] ?? i}`;
    const [mine, gx] = [ours.results[i], theirs.results[i]];
    if (!mine || !gx) return found.push(`${label}: no result`);
    if (mine.exception_info.raised_exception !== gx.raised)
      return found.push(
        `${label}: raised ${String(mine.exception_info.raised_exception)} (${mine.exception_info.exception_message ?? ''}), GX ${String(gx.raised)}`,
      );
    if (mine.success !== gx.success) found.push(`${label}: success ${String(mine.success)}, GX ${String(gx.success)}`);
    if (gx.raised) return undefined;
    const { kwargs } = expectation;
    const columns = 'column' in kwargs ? [kwargs.column] : 'column_list' in kwargs ? kwargs.column_list : [];
    const keys = [...new Set([...Object.keys(mine.result), ...Object.keys(gx.result)])].sort();
    const ourFields = new Map(Object.entries(mine.result));
    for (const key of keys) {
      const [a, b] = [comparableField(key, ourFields.get(key), columns, typeOf), comparableField(key, gx.result[key], columns, typeOf)];
      if (JSON.stringify(a) !== JSON.stringify(b))
        found.push(`${label}.${key}: ${JSON.stringify(a)?.slice(0, 300)}, GX ${JSON.stringify(b)?.slice(0, 300)}`);
    }
    if (gx.unexpected_index_list) {
      const rows = flagged.get(labels[i] ?? '') ?? [];
      if (JSON.stringify(rows) !== JSON.stringify(gx.unexpected_index_list)) {
        const gxRows = new Set(gx.unexpected_index_list);
        const ourRows = new Set(rows);
        const onlyOurs = rows.filter((r) => !gxRows.has(r)).slice(0, 5);
        const onlyGx = gx.unexpected_index_list.filter((r) => !ourRows.has(r)).slice(0, 5);
        found.push(
          `${label}: flags ${rows.length} rows, GX ${gx.unexpected_index_list.length}; only ours ${JSON.stringify(onlyOurs.map((r) => item.rows[r]))}, only GX's ${JSON.stringify(onlyGx.map((r) => item.rows[r]))}`,
        );
      }
    }
    return undefined;
  });
  return found;
}
