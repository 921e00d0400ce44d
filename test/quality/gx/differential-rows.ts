/**
 * The batches of the differential test: rows from the simulators through the sources' own mappers,
 * and rows built to sit on every edge of a suite's rules.
 */
import { join } from 'node:path';
import type { ExpectationSuite } from '../../../activities/quality/suite';
import { brandwatchSource } from '../../../activities/sources/brandwatch';
import { cmsSource } from '../../../activities/sources/cms';
import { ga4Source } from '../../../activities/sources/ga4';
import { closeGa4Clients } from '../../../activities/sources/ga4/client';
import { salesforceSource } from '../../../activities/sources/salesforce';
import { createSendgridSource, mapInboxEvent } from '../../../activities/sources/sendgrid';
import type { Row, SourcePlugin } from '../../../activities/sources/types';
import { zendeskExportSource } from '../../../activities/sources/zendesk';
import { salesforceSourceSchema } from '../../../activities/sources/salesforce/definition';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { startBrandwatchSimulator } from '../../../simulators/brandwatch/server';
import { startCmsSimulator } from '../../../simulators/cms/server';
import { startGa4Simulator } from '../../../simulators/ga4/server';
import { startSalesforceSimulator } from '../../../simulators/salesforce/server';
import { generateSendgridEvents } from '../../../simulators/sendgrid/events';
import { startZendeskSimulator } from '../../../simulators/zendesk/server';
import { brandwatchConfigFor, ROOMY_LIMIT } from '../../sources/cases/brandwatch';
import { cmsConfigFor } from '../../sources/cases/cms';
import { ga4ConfigFor } from '../../sources/cases/ga4';
import { zendeskConfigFor } from '../../sources/cases/zendesk';
import { readToEnd } from '../../sources/conformance';

/** Rows per stream from the simulators (GX_DIFFERENTIAL_ROWS=20000 for the size). */
export const ROWS = Number(process.env.GX_DIFFERENTIAL_ROWS ?? 1_500);
export const SOURCES = join(__dirname, '../../../activities/sources');

const PLUGINS: Readonly<Record<string, Pick<SourcePlugin, 'streams'>>> = {
  salesforce: salesforceSource,
  zendesk: zendeskExportSource,
  cms: cmsSource,
  sendgrid: createSendgridSource({ readInboxEvents: () => Promise.resolve([]) }),
  ga4: ga4Source,
  brandwatch: brandwatchSource,
};

export function streamDefinition(source: string, name: string): StreamDefinition {
  const stream = PLUGINS[source]?.streams[name];
  if (!stream) throw new Error(`no stream ${name} of ${source}`);
  return stream;
}

export const DEFAULT_SUITES = [
  ['salesforce', 'contact'],
  ['salesforce', 'lead'],
  ['salesforce', 'opportunity'],
  ['salesforce', 'campaign_member'],
  ['salesforce', 'campaign'],
  ['salesforce', 'account'],
  ['zendesk', 'tickets'],
  ['cms', 'content_views'],
  ['sendgrid', 'events'],
  ['ga4', 'daily_metrics'],
  ['ga4', 'realtime_events'],
  ['brandwatch', 'mentions'],
] as const;

// ---- Rows from the simulators, through the sources' own mappers ------------------------------

export async function simulatedRows(runTime: Date): Promise<Map<string, Row[]>> {
  const rows = new Map<string, Row[]>();
  const salesforce = await startSalesforceSimulator({
    counts: { Contact: ROWS, Lead: ROWS, Opportunity: ROWS, CampaignMember: ROWS, Campaign: ROWS, Account: ROWS },
    now: runTime,
  });
  try {
    const config = salesforceSourceSchema.parse({
      kind: 'salesforce',
      loginUrl: salesforce.url,
      auth: { type: 'oauth-password', ...salesforce.credentials },
    });
    for (const stream of ['contact', 'lead', 'opportunity', 'campaign_member', 'campaign', 'account'])
      rows.set(`salesforce/${stream}`, (await readToEnd(salesforceSource, config, stream, null)).rows);
  } finally {
    await salesforce.stop();
  }
  const zendesk = await startZendeskSimulator({ tickets: ROWS, requestsPerSecond: null });
  try {
    rows.set('zendesk/tickets', (await readToEnd(zendeskExportSource, zendeskConfigFor(zendesk), 'tickets', null)).rows);
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
export function edgeRows(stream: StreamDefinition, suite: ExpectationSuite, base: Row, parameters: Record<string, string>): Row[] {
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
