/**
 * Erasure in stored quality reports. A GX result quotes failing values (partial_unexpected_list, and
 * counted in partial_unexpected_counts);
 * a quoted value is the subject's when it holds the subject's email (in any letter case), is its
 * customer id, or is what one of the subject's quarantined records shows for that rule (a phone
 * number): those records are the failing rows the report quoted. The counts stay as they were, since
 * those rows did fail; each result says how many of its quotes were taken out, and the report's meta
 * which erasure requests took how many.
 */
import { z } from 'zod';
import type { ErasureSubject } from '../../domain/privacy';
import type { Row } from '../sources/types';

/** A record of the subject as quarantined, with the connector and stream whose reports may quote it. */
export interface SubjectRecord {
  connectorId: string;
  stream: string;
  record: Row;
}

/** What an erasure request took out of stored quality reports, retries included. */
export interface QualityReportRedaction {
  reports: number;
  values: number;
}

/** Tells whether a quoted value is the subject's, given the expectation that quoted it. */
export type QuoteMatcher = (quoted: unknown, expectation: unknown) => boolean;

const resultSchema = z.looseObject({
  expectation_config: z.unknown(),
  result: z
    .looseObject({
      partial_unexpected_list: z.array(z.unknown()).optional(),
      partial_unexpected_index_list: z.array(z.unknown()).optional(),
      partial_unexpected_counts: z.array(z.looseObject({ value: z.unknown() })).optional(),
    })
    .optional(),
});
const columnListSchema = z.looseObject({ kwargs: z.looseObject({ column_list: z.array(z.string()) }) });

/** A counted value as the list quotes it: GX counts a row of compound uniqueness as a tuple (a list). */
function asQuoted(value: unknown, expectation: unknown): unknown {
  const compound = columnListSchema.safeParse(expectation);
  if (!compound.success || !Array.isArray(value)) return value;
  return Object.fromEntries(compound.data.kwargs.column_list.map((column, i): [string, unknown] => [column, value[i] ?? null]));
}
const erasureMarkSchema = z.looseObject({ request_id: z.string(), values: z.number() });
const reportSchema = z.looseObject({
  results: z.array(z.unknown()).optional(),
  meta: z.looseObject({ erasures: z.array(erasureMarkSchema).optional() }).optional(),
});

/** How many quotes a result lost to erasures (GX has no such field; readers of GX results ignore it). */
export const REDACTED_FIELD = 'partial_unexpected_redacted';

/** The report without the quotes `isSubjects` picks, and how many went; the same report when none did. */
export function redactReport(
  report: Record<string, unknown>,
  isSubjects: QuoteMatcher,
  requestId: string,
): { report: Record<string, unknown>; values: number } {
  const parsed = reportSchema.safeParse(report);
  if (!parsed.success || !parsed.data.results) return { report, values: 0 };
  let values = 0;
  const results = parsed.data.results.map((entry) => {
    const result = resultSchema.safeParse(entry);
    const quoted = result.success ? result.data.result?.partial_unexpected_list : undefined;
    if (!result.success || !result.data.result || !quoted) return entry;
    const expectation = result.data.expectation_config;
    const gone = quoted.map((value) => isSubjects(value, expectation));
    const removed = gone.filter(Boolean).length;
    if (removed === 0) return entry;
    values += removed;
    const before = result.data.result[REDACTED_FIELD];
    const redacted = (typeof before === 'number' ? before : 0) + removed;
    const { partial_unexpected_index_list: indexes, partial_unexpected_counts: counts } = result.data.result;
    return {
      ...result.data,
      result: {
        ...result.data.result,
        partial_unexpected_list: quoted.filter((_, i) => !gone[i]),
        ...(indexes && { partial_unexpected_index_list: indexes.filter((_, i) => !gone[i]) }),
        ...(counts && {
          partial_unexpected_counts: counts.filter((count) => !isSubjects(asQuoted(count.value, expectation), expectation)),
        }),
        [REDACTED_FIELD]: redacted,
      },
    };
  });
  if (values === 0) return { report, values: 0 };
  const meta = parsed.data.meta ?? {};
  const marks = meta.erasures ?? [];
  const mine = marks.find((mark) => mark.request_id === requestId);
  const erasures = mine
    ? marks.map((mark) => (mark === mine ? { ...mark, values: mark.values + values } : mark))
    : [...marks, { request_id: requestId, values }];
  return { report: { ...parsed.data, results, meta: { ...meta, erasures } }, values };
}

/** Characters that may stand next to an address inside a longer one: an address there is another. */
const LOCAL_PART_CHAR = /[a-z0-9._%+\-!#$&'*/=?^`{|}~]/;
const DOMAIN_CHAR = /[a-z0-9-]/;

/** Whether the text holds the (lower-case) address as a whole address, in any letter case. */
function holdsAddress(text: string, address: string): boolean {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(address); at !== -1; at = lower.indexOf(address, at + 1)) {
    const before = lower.charAt(at - 1);
    const after = lower.slice(at + address.length, at + address.length + 2);
    const longerLocalPart = before !== '' && LOCAL_PART_CHAR.test(before);
    const longerDomain = DOMAIN_CHAR.test(after.charAt(0)) || (after.charAt(0) === '.' && DOMAIN_CHAR.test(after.charAt(1)));
    if (!longerLocalPart && !longerDomain) return true;
  }
  return false;
}

/** The texts inside a value: itself, or the members of a quoted row (compound uniqueness) or record. */
export function* textsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (typeof value === 'number') yield String(value);
  else if (Array.isArray(value)) for (const item of value) yield* textsOf(item);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) yield* textsOf(item);
}

/** JSON with object keys sorted: a report read back from JSONB has its keys in another order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const kwargsSchema = z.looseObject({
  kwargs: z.looseObject({ column: z.string().optional(), column_list: z.array(z.string()).optional() }),
});

/** What a record shows for the expectation, as the engine quotes it (checks.ts); null when it names no column. */
function shownBy(expectation: unknown, record: Row): unknown {
  const parsed = kwargsSchema.safeParse(expectation);
  if (!parsed.success) return null;
  const { column, column_list: columns } = parsed.data.kwargs;
  if (columns) return Object.fromEntries(columns.map((name) => [name, record[name] ?? null]));
  return column === undefined ? null : (record[column] ?? null);
}

/** Null and true/false name nobody: a rule quoting them (not_null…) quotes everyone alike. */
const identifies = (value: unknown): boolean => value !== null && typeof value !== 'boolean';

/**
 * The matcher for one connector's stream: the subject's email anywhere in a quote (not inside a
 * longer address), its customer id as a whole value, or the value one of its records shows for the rule.
 */
export function subjectQuotes(subject: ErasureSubject, records: readonly Row[]): QuoteMatcher {
  const address = 'email' in subject ? subject.email.trim().toLowerCase() : null;
  const customerId = 'customerId' in subject ? subject.customerId.trim() : null;
  return (quoted, expectation) => {
    for (const text of textsOf(quoted)) {
      if (address !== null && holdsAddress(text, address)) return true;
      if (customerId !== null && text.trim() === customerId) return true;
    }
    if (!identifies(quoted)) return false;
    const wanted = canonical(quoted);
    return records.some((record) => {
      const shown = shownBy(expectation, record);
      return identifies(shown) && canonical(shown) === wanted;
    });
  };
}
