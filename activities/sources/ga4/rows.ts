/**
 * Report rows → warehouse rows. GA4 sends every value as a string, headers naming the columns; a
 * row's key is a digest of its dimension values, as GA4 gives no id.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Ga4Stream } from './definition';
import type { StreamColumn } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { sourceFieldOf } from '../definition';
import type { Row } from '../types';

const valueSchema = z.object({ value: z.string().nullish() });
export const reportResponseSchema = z.object({
  dimensionHeaders: z.array(z.object({ name: z.string() })).nullish(),
  metricHeaders: z.array(z.object({ name: z.string() })).nullish(),
  rows: z.array(z.object({ dimensionValues: z.array(valueSchema).nullish(), metricValues: z.array(valueSchema).nullish() })).nullish(),
  rowCount: z.number().int().nullish(),
  propertyQuota: z
    .object({
      tokensPerDay: z.object({ remaining: z.number().nullish() }).nullish(),
      tokensPerHour: z.object({ remaining: z.number().nullish() }).nullish(),
    })
    .nullish(),
});
export type ReportResponse = z.infer<typeof reportResponseSchema>;

export const rowKey = (values: readonly unknown[]): string =>
  createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);

function convert(column: StreamColumn, raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined) return null;
  if (column.type === 'date') {
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
    if (!match) throw new ConnectorError('data', `GA4 sent a ${column.name} that is not a YYYYMMDD date`);
    return `${match[1]}-${match[2]}-${match[3]}`;
  }
  if (column.type === 'integer' || column.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConnectorError('data', `GA4 sent a ${column.name} that is not a number`);
    return n;
  }
  return raw;
}

/** Each report row as a record of API name → value, checked against the headers GA4 sent. */
export function namedValues(response: ReportResponse): Map<string, string | null | undefined>[] {
  const dimensions = (response.dimensionHeaders ?? []).map((h) => h.name);
  const metrics = (response.metricHeaders ?? []).map((h) => h.name);
  return (response.rows ?? []).map((row) => {
    const values = new Map<string, string | null | undefined>();
    dimensions.forEach((name, i) => values.set(name, row.dimensionValues?.[i]?.value));
    metrics.forEach((name, i) => values.set(name, row.metricValues?.[i]?.value));
    return values;
  });
}

/** The stream's dimension and metric columns of one report row. */
export function mapColumns(stream: Ga4Stream, values: Map<string, string | null | undefined>): Row {
  const row: Row = {};
  for (const column of [...stream.dimensions, ...stream.metrics]) {
    const field = sourceFieldOf(column);
    if (!values.has(field)) throw new ConnectorError('system', `GA4 answered without the ${field} column the request asked for`);
    row[column.name] = convert(column, values.get(field));
  }
  return row;
}
