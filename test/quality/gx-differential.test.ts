/**
 * Insight Hub's quality gate against real Great Expectations 1.24.1 (pinned, in the Python environment
 * of scripts/python-env.sh). Every default suite, as shipped, is given to GX as it is, with the
 * run-time parameters Insight Hub computes, on a batch from the project's own simulators and mappers
 * plus rows built to sit on every edge (nulls, absent keys, booleans vs 1, text in number columns,
 * invalid, zoneless and sub-millisecond timestamps on the bounds, Unicode, trailing newlines,
 * deletions); a further suite brings the other expectation types users bring. Per expectation, both
 * must agree on success, whether it raised, every result field GX writes (counts, percents, partial
 * lists and counts, indexes) and every row flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { evaluate } from '../../activities/quality/engine';
import { parsePreciseInstant } from '../../activities/quality/instants';
import { suiteParameterValues } from '../../activities/quality/parameters';
import type { GeResult } from '../../activities/quality/report';
import { parseSuite, ruleLabels, type ExpectationSuite } from '../../activities/quality/suite';
import { conformToStream } from '../../activities/quality/validate';
import { brandwatchSource } from '../../activities/sources/brandwatch';
import { cmsSource } from '../../activities/sources/cms';
import { ga4Source } from '../../activities/sources/ga4';
import { closeGa4Clients } from '../../activities/sources/ga4/client';
import { salesforceSource } from '../../activities/sources/salesforce';
import { createSendgridSource, mapInboxEvent } from '../../activities/sources/sendgrid';
import type { Row, SourcePlugin } from '../../activities/sources/types';
import { zendeskSource } from '../../activities/sources/zendesk';
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import { startBrandwatchSimulator } from '../../simulators/brandwatch/server';
import { startCmsSimulator } from '../../simulators/cms/server';
import { startGa4Simulator } from '../../simulators/ga4/server';
import { startSalesforceSimulator } from '../../simulators/salesforce/server';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { startZendeskSimulator } from '../../simulators/zendesk/server';
import { brandwatchConfigFor, ROOMY_LIMIT } from '../sources/cases/brandwatch';
import { cmsConfigFor } from '../sources/cases/cms';
import { ga4ConfigFor } from '../sources/cases/ga4';
import { zendeskConfigFor } from '../sources/cases/zendesk';
import { readToEnd } from '../sources/conformance';
import { gxPython, runPython, skippedBecause } from './gx/harness';

process.env.METADATA_SERVER_DETECTION = 'none';

/** Rows per stream from the simulators (GX_DIFFERENTIAL_ROWS=20000 for the issue's size). */
const ROWS = Number(process.env.GX_DIFFERENTIAL_ROWS ?? 1_500);
const SOURCES = join(__dirname, '../../activities/sources');

const PLUGINS: Readonly<Record<string, Pick<SourcePlugin, 'streams'>>> = {
  salesforce: salesforceSource,
  zendesk: zendeskSource,
  cms: cmsSource,
  sendgrid: createSendgridSource({ readInboxEvents: () => Promise.resolve([]) }),
  ga4: ga4Source,
  brandwatch: brandwatchSource,
};

function streamDefinition(source: string, name: string): StreamDefinition {
  const stream = PLUGINS[source]?.streams[name];
  if (!stream) throw new Error(`no stream ${name} of ${source}`);
  return stream;
}

const DEFAULT_SUITES = [
  ['salesforce', 'contact'],
  ['salesforce', 'lead'],
  ['salesforce', 'opportunity'],
  ['salesforce', 'campaign_member'],
  ['zendesk', 'tickets'],
  ['cms', 'content_views'],
  ['sendgrid', 'events'],
  ['ga4', 'daily_metrics'],
  ['ga4', 'realtime_events'],
  ['brandwatch', 'mentions'],
] as const;

// ---- Rows from the simulators, through the sources' own mappers ------------------------------

async function simulatedRows(runTime: Date): Promise<Map<string, Row[]>> {
  const rows = new Map<string, Row[]>();
  const salesforce = await startSalesforceSimulator({
    counts: { Contact: ROWS, Lead: ROWS, Opportunity: ROWS, CampaignMember: ROWS },
    now: runTime,
  });
  try {
    const config = salesforceSourceSchema.parse({
      kind: 'salesforce',
      loginUrl: salesforce.url,
      auth: { type: 'oauth-password', ...salesforce.credentials },
    });
    for (const stream of ['contact', 'lead', 'opportunity', 'campaign_member'])
      rows.set(`salesforce/${stream}`, (await readToEnd(salesforceSource, config, stream, null)).rows);
  } finally {
    await salesforce.stop();
  }
  const zendesk = await startZendeskSimulator({ tickets: ROWS, requestsPerSecond: null });
  try {
    rows.set('zendesk/tickets', (await readToEnd(zendeskSource, zendeskConfigFor(zendesk), 'tickets', null)).rows);
  } finally {
    await zendesk.stop();
  }
  const cms = await startCmsSimulator({ contents: ROWS, days: 1, requestsPerSecond: null });
  try {
    rows.set('cms/content_views', (await readToEnd(cmsSource, cmsConfigFor(cms), 'content_views', null)).rows);
  } finally {
    await cms.stop();
  }
  const ga4 = await startGa4Simulator({ dailyRows: ROWS, days: 5, realtimeRows: Math.min(ROWS, 500) });
  try {
    for (const stream of ['daily_metrics', 'realtime_events'])
      rows.set(`ga4/${stream}`, (await readToEnd(ga4Source, ga4ConfigFor(ga4), stream, null)).rows);
  } finally {
    await ga4.stop();
    await closeGa4Clients();
  }
  const brandwatch = await startBrandwatchSimulator({ mentions: ROWS, rateLimit: ROOMY_LIMIT });
  try {
    rows.set('brandwatch/mentions', (await readToEnd(brandwatchSource, brandwatchConfigFor(brandwatch), 'mentions', null)).rows);
  } finally {
    await brandwatch.stop();
  }
  const events = generateSendgridEvents(ROWS, { now: runTime, staleShare: 0.05 });
  rows.set(
    'sendgrid/events',
    events.map((payload, i) =>
      mapInboxEvent({
        seq: String(i + 1),
        eventId: payload.sg_event_id,
        payload,
        quarantineReason: null,
        receivedAt: runTime.toISOString(),
      }),
    ),
  );
  return rows;
}

// ---- Rows on the edges ------------------------------------------------------------------------

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** An instant written with six fraction digits (or more), in UTC or in another zone. */
function written(ms: number, micros: number, { nanos = '', offsetMinutes = 0 }: { nanos?: string; offsetMinutes?: number } = {}): string {
  const at = new Date(ms + offsetMinutes * 60_000);
  const base = at.toISOString().slice(0, 19);
  const fraction = `${pad(at.getUTCMilliseconds(), 3)}${pad(micros, 3)}${nanos}`;
  if (offsetMinutes === 0) return `${base}.${fraction}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${base}.${fraction}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** Values that sit on an ISO bound: on it, a microsecond either side, below a microsecond, in another zone. */
function aroundInstant(iso: string): unknown[] {
  const ms = Date.parse(iso);
  return [
    iso,
    written(ms, 0),
    written(ms - 1, 999),
    written(ms, 1),
    written(ms, 0, { nanos: '9' }),
    written(ms - 1, 999, { nanos: '999' }),
    written(ms, 0, { offsetMinutes: 330 }),
    written(ms, 0, { offsetMinutes: -90 }).replace(/:(\d\d)$/, '$1'),
    new Date(ms).toISOString().replace('Z', '+0000'),
  ];
}

const EDGE_VALUES: Readonly<Record<ColumnType, readonly unknown[]>> = {
  string: [
    null,
    '',
    ' ',
    'ada@example.com\n',
    'ada@example.com\n\n',
    'ü@ß.de',
    'Zoë@例え.jp',
    'a@b.c\u00a0',
    '١٢٣@x.io',
    '😀@x.io',
    'x@y',
    1,
    1.5,
    true,
    { a: 1 },
    'NEW',
    'open',
    'positive',
  ],
  number: [null, -1, -0.5, 0, 1, 1.0000001, 100, 86400, 86400.000001, -300, -301, 1e300, '12', 'abc', true, false],
  integer: [null, -1, 0, 1, 100, 86400, 86401, -300, 1.5, '7', true],
  boolean: [null, true, false, 1, 0, 'true'],
  timestamp: [
    null,
    '2024-02-30T00:00:00Z',
    '555-1234',
    '2024-01-01T00:00:00',
    '2024-01-01',
    '0001-01-01',
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.9999999Z',
    1_700_000_000_000,
    true,
  ],
  date: [null, '2024-02-30', '2024-01-01', '2024-01-01T00:00:00Z', '2016-02-29', 20240101],
  json: [null, { a: 1 }, [], 'x'],
};

/** The columns a suite names, with every bound a between gives its column (numbers, or instants). */
function suiteColumns(suite: ExpectationSuite, parameters: Record<string, string>): Map<string, unknown[]> {
  const columns = new Map<string, unknown[]>();
  for (const { kwargs } of suite.expectations) {
    const names = 'column' in kwargs ? [kwargs.column] : 'column_list' in kwargs ? kwargs.column_list : [];
    for (const name of names) if (!columns.has(name)) columns.set(name, []);
    if (!('min_value' in kwargs) || !('column' in kwargs)) continue;
    for (const bound of [kwargs.min_value, kwargs.max_value]) {
      const value = typeof bound === 'object' && bound !== null && '$PARAMETER' in bound ? parameters[bound.$PARAMETER] : bound;
      if (typeof value === 'number') columns.get(kwargs.column)?.push(value, value - 1e-9, value + 1e-9, value - 1, value + 1);
      else if (typeof value === 'string') columns.get(kwargs.column)?.push(...aroundInstant(value));
    }
  }
  return columns;
}

/** Rows that each change one column of a base row (or drop it), plus deletions and repeats. */
function edgeRows(stream: StreamDefinition, suite: ExpectationSuite, base: Row, parameters: Record<string, string>): Row[] {
  const keyType = stream.columns.find((c) => c.name === stream.primaryKey)?.type;
  let n = 0;
  const fresh = (overrides: Row): Row => {
    n += 1;
    const key = keyType === 'integer' ? 900_000_000 + n : `${String(base[stream.primaryKey])}-edge-${n}`;
    return { ...base, [stream.primaryKey]: key, ...overrides };
  };
  const rows: Row[] = [];
  for (const [name, bounds] of suiteColumns(suite, parameters)) {
    // A column the stream lacks stays absent: the suite must fail on it, not on made-up values.
    const type = stream.columns.find((c) => c.name === name)?.type;
    if (type === undefined) continue;
    for (const value of [...EDGE_VALUES[type], ...bounds])
      rows.push(name === stream.primaryKey ? { ...fresh({}), [name]: value } : fresh({ [name]: value }));
    const { [name]: _dropped, ...absent } = fresh({});
    rows.push(absent);
  }
  // A deletion holding broken values, and repeats of a key and of a whole row.
  const named = [...suiteColumns(suite, parameters).keys()].filter((name) => stream.columns.some((c) => c.name === name));
  if (stream.deletedColumn) rows.push(fresh({ [stream.deletedColumn]: true, ...Object.fromEntries(named.map((c) => [c, null])) }));
  rows.push(fresh({}), { ...base }, { ...base });
  return rows;
}

// ---- A suite of the other expectation types users bring ---------------------------------------

const EXTRA_SUITE = {
  name: 'salesforce.contact.extra',
  expectations: [
    { type: 'expect_column_to_exist', kwargs: { column: 'email' } },
    { type: 'expect_column_to_exist', kwargs: { column: 'email_address' } },
    { type: 'expect_column_to_exist', kwargs: { column: 'id', column_index: 0 } },
    { type: 'expect_column_to_exist', kwargs: { column: 'id', column_index: 3 } },
    { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 10, max_value: 1_000_000 } },
    { type: 'expect_table_row_count_to_be_between', kwargs: { max_value: 5, strict_max: true } },
    {
      type: 'expect_table_row_count_to_equal',
      kwargs: { value: 3, row_condition: { type: 'comparison', column: { name: 'last_name' }, operator: '==', parameter: 'Zoë' } },
    },
    { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'last_name', min_value: 2, max_value: 12 } },
    { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'email', min_value: 6, strict_min: true, mostly: 0.9 } },
    { type: 'expect_column_value_lengths_to_equal', kwargs: { column: 'customer_id', value: 11 } },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '\\A[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+\\Z' } },
    {
      type: 'expect_column_values_to_match_regex',
      kwargs: { column: 'email', regex: '(?i)^[A-Z0-9._%+-]+@[A-Z0-9.-]+\\.[A-Z]{2,}$', mostly: 0.95 },
    },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'phone', regex: '^\\+?\\d[\\d\\s().-]{6,}$' } },
    { type: 'expect_column_values_to_not_match_regex', kwargs: { column: 'email', regex: '(?<=@)example\\.(?:com|org)$' } },
    { type: 'expect_column_values_to_not_match_regex', kwargs: { column: 'last_name', regex: '\\d' } },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'is_active', regex: '^True$' } },
    { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'lead_source', value_set: ['Purchased List', 'Other'] } },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'is_active', value_set: [1] } },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'created_at', value_set: ['2024-01-01T00:00:00Z'] } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'is_active', min_value: 0, max_value: 0.5 } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'created_at', min_value: 0 } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'email', min_value: '2020-01-01T00:00:00Z' } },
    {
      type: 'expect_column_values_to_be_between',
      kwargs: {
        column: 'created_at',
        min_value: { $PARAMETER: 'now_minus_2y' },
        max_value: { $PARAMETER: 'now' },
        strict_max: true,
        mostly: 0.5,
      },
    },
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email_address' } },
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'phone', mostly: 0.8 } },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'title', row_condition: { type: 'nullity', column: { name: 'account_id' }, is_null: false } },
    },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'email', row_condition: 'col("lead_source") == "Web"', condition_parser: 'great_expectations' },
    },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'email', row_condition: { type: 'comparison', column: { name: 'nickname' }, operator: '==', parameter: 'x' } },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'email',
        row_condition: {
          type: 'or',
          conditions: [
            { type: 'comparison', column: { name: 'mailing_country' }, operator: 'IN', parameter: ['DE', 'FR', 'GB'] },
            {
              type: 'and',
              conditions: [
                { type: 'comparison', column: { name: 'is_active' }, operator: '!=', parameter: true },
                { type: 'nullity', column: { name: 'phone' }, is_null: true },
              ],
            },
          ],
        },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'last_name',
        row_condition: { type: 'comparison', column: { name: 'created_at' }, operator: '>', parameter: '2025-01-01T00:00:00Z' },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'last_name',
        row_condition: { type: 'comparison', column: { name: 'created_at' }, operator: '==', parameter: '2025-01-01T00:00:00Z' },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: { column: 'first_name', row_condition: { type: 'comparison', column: { name: 'last_name' }, operator: '>', parameter: 5 } },
    },
    { type: 'expect_column_values_to_be_unique', kwargs: { column: 'is_active' } },
    { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['first_name', 'last_name'] } },
    {
      type: 'expect_compound_columns_to_be_unique',
      kwargs: { column_list: ['account_id', 'title'], ignore_row_if: 'any_value_is_missing' },
    },
    {
      type: 'expect_compound_columns_to_be_unique',
      kwargs: { column_list: ['mailing_country', 'is_active', 'created_at'], ignore_row_if: 'never', mostly: 0.5 },
    },
  ],
};

// ---- Comparison -------------------------------------------------------------------------------

const gxResult = z.object({
  success: z.boolean(),
  raised: z.boolean(),
  result: z.record(z.string(), z.unknown()),
  unexpected_index_list: z.array(z.number()).nullable().optional(),
});
const gxAnswers = z.object({ answers: z.array(z.object({ success: z.boolean(), results: z.array(gxResult) })) });

interface DifferentialCase {
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

function differences(
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

// ---- The test ---------------------------------------------------------------------------------

const gx = gxPython();
const describeWithGx = 'python' in gx ? describe : describe.skip;

describeWithGx(`Great Expectations 1.24.1 and Insight Hub judge alike${'python' in gx ? '' : ` (${skippedBecause(gx.missing)})`}`, () => {
  const python = 'python' in gx ? gx.python : '';
  const runTime = new Date();
  let cases: DifferentialCase[] = [];

  beforeAll(async () => {
    const simulated = await simulatedRows(runTime);
    cases = DEFAULT_SUITES.map(([source, name]) => {
      const stream = streamDefinition(source, name);
      const document: unknown = JSON.parse(readFileSync(join(SOURCES, source, 'suites', `${name}.json`), 'utf8'));
      const suite = parseSuite(document);
      const rows = simulated.get(`${source}/${name}`) ?? [];
      const base = rows.find((row) => stream.deletedColumn === undefined || row[stream.deletedColumn] !== true) ?? {};
      const edges = edgeRows(
        stream,
        suite,
        base,
        suiteParameterValues(
          suite.expectations.map((e) => e.kwargs),
          runTime,
        ),
      );
      return { name: `${source}.${name}`, stream, document, rows: [...rows, ...edges], simulated: rows.length };
    });
    const contact = cases[0];
    if (contact) {
      const extra = parseSuite(EXTRA_SUITE);
      const base = contact.rows[0] ?? {};
      const zoes = [0, 1, 2].map((n) => ({
        ...base,
        id: `003ZOE${n}`,
        last_name: 'Zoë',
        email: n === 2 ? 'ZOE@EXAMPLE.COM' : `zoë${n}@example.com`,
      }));
      const edges = edgeRows(
        contact.stream,
        extra,
        base,
        suiteParameterValues(
          extra.expectations.map((e) => e.kwargs),
          runTime,
        ),
      );
      cases.push({
        name: 'salesforce.contact (more expectation types)',
        stream: contact.stream,
        document: EXTRA_SUITE,
        rows: [...contact.rows, ...zoes, ...edges],
        simulated: 0,
      });
    }
  }, 300_000);

  it('reads every row from the simulators as its stream types it, so typing them at the gate changes none', () => {
    for (const item of cases) {
      const simulatedOnly = item.rows.slice(0, item.simulated);
      expect({ stream: item.name, changed: simulatedOnly.filter((row) => conformToStream(item.stream, row) !== row).slice(0, 3) }).toEqual({
        stream: item.name,
        changed: [],
      });
    }
  });

  it('gives every suite, as shipped, and every batch the same answers, down to each flagged row', async () => {
    const files: Record<string, string> = {};
    const job = {
      kind: 'validate',
      cases: cases.map((item, i) => {
        files[`batch-${i}.ndjson`] = item.rows.map((row) => JSON.stringify(row)).join('\n');
        const suite = parseSuite(item.document);
        return {
          suite: item.document,
          parameters: suiteParameterValues(
            suite.expectations.map((e) => e.kwargs),
            runTime,
          ),
          batch: `file:batch-${i}.ndjson`,
          columns: Object.fromEntries(item.stream.columns.map((c) => [c.name, c.type])),
          deleted_column: item.stream.deletedColumn ?? null,
        };
      }),
    };
    const answers = gxAnswers.parse(await runPython(python, job, files)).answers;
    const seen = { failed: 0, raised: 0, flagged: 0, byRowCondition: 0 };
    const found = cases.flatMap((item, i) => {
      const suite = parseSuite(item.document);
      const conformed = item.rows.map((row) => conformToStream(item.stream, row));
      const { report, verdicts } = evaluate(suite, conformed, {
        runTime,
        deletedColumn: item.stream.deletedColumn,
        columns: item.stream.columns,
      });
      const flagged = new Map<string, number[]>();
      verdicts.forEach((verdict, index) => {
        if (verdict.kind !== 'invalid') return;
        for (const label of verdict.failures) {
          const rows = flagged.get(label) ?? [];
          rows.push(index);
          flagged.set(label, rows);
        }
      });
      const theirs = answers[i];
      seen.failed += report.results.filter((r) => !r.success).length;
      seen.raised += report.results.filter((r) => r.exception_info.raised_exception).length;
      seen.flagged += [...flagged.values()].reduce((n, rows) => n + rows.length, 0);
      seen.byRowCondition += report.results.filter(
        (r) => 'row_condition' in r.expectation_config.kwargs && (r.result.unexpected_count ?? 0) > 0,
      ).length;
      return theirs ? differences(item, suite, report, flagged, theirs) : [`${item.name}: no answer from GX`];
    });
    expect(found).toEqual([]);
    // Not agreement on nothing: the batches fail expectations, raise, flag rows and filter them.
    expect(seen.failed).toBeGreaterThan(60);
    expect(seen.raised).toBeGreaterThanOrEqual(5);
    expect(seen.flagged).toBeGreaterThan(1_000);
    expect(seen.byRowCondition).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
