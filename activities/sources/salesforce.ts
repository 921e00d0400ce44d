/**
 * The Salesforce source over jsforce 3: SOQL through queryAll (so deletions arrive as rows with
 * IsDeleted = true), incremental by (SystemModstamp, Id), one SourcePage per API page. Streams that
 * carry a customer ID can be partitioned into customer-ID ranges, read in parallel, each with its own
 * cursor; the source's task-queue rate keeps them within the org's limit together.
 *
 * Pages are fetched with `conn.request` rather than `conn.query` because only `request` accepts
 * per-call options: jsforce's own retry (5 tries, 0.5 s × 2^n, blind to Retry-After) is switched
 * off so that a throttle becomes a RateLimitedError and Temporal's durable retry waits exactly what
 * Salesforce asked; and a recording transport keeps the HTTP status and headers, which jsforce's
 * errors do not carry.
 */
import { Connection } from 'jsforce/lib/connection';
import { Transport } from 'jsforce/lib/transport';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce/lib/types';
import type { StreamPromise } from 'jsforce/lib/util/promise';
import { z } from 'zod';
import type { StreamCursor } from '../../domain/cycle';
import { salesforceStreams, type SalesforceSourceConfig, type SalesforceStream } from './salesforce/definition';
import { CUSTOMER_ID_COLUMN, parsePartition, salesforcePartitions } from './salesforce/partitions';
import type { StreamColumn } from '../../domain/streams/types';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../errors';
import { untilAborted } from './abort';
import { createHash } from 'node:crypto';
import { markUnconvertible, type PageRequest, type Row, type SourcePage, type SourcePlugin } from './types';

export type { SalesforceSourceConfig };

const sourceFieldOf = (column: StreamColumn): string => column.sourceField ?? column.name;

function columnOf(stream: SalesforceStream, name: string): StreamColumn {
  const column = stream.columns.find((c) => c.name === name);
  if (!column) throw new ConnectorError('config', `stream ${stream.name} has no column ${name}`);
  return column;
}

export function salesforceStream(name: string): SalesforceStream {
  const stream = Object.values(salesforceStreams).find((s) => s.name === name);
  if (!stream) {
    const known = Object.keys(salesforceStreams).join(', ');
    throw new ConnectorError('config', `unknown Salesforce stream "${name}"`, `use one of ${known}`);
  }
  return stream;
}

// ---------------------------------------------------------------------------------------------
// SOQL

const SALESFORCE_ID = /^[a-zA-Z0-9]{15,18}$/;

/** The cursor goes into SOQL as literals, so it is checked first: a bad checkpoint never injects. */
function cursorLiterals(stream: SalesforceStream, cursor: StreamCursor): { value: string; key: string } {
  const at = Date.parse(cursor.value);
  if (Number.isNaN(at) || !SALESFORCE_ID.test(cursor.lastKey)) {
    throw new ConnectorError(
      'config',
      `the stored cursor of stream ${stream.name} is not a timestamp and a Salesforce id`,
      "reset the stream's cursor to re-read it from the start",
    );
  }
  return { value: new Date(at).toISOString(), key: `'${cursor.lastKey}'` };
}

/** A customer-ID range as SOQL; the first range also holds the records without a customer ID. */
function partitionCondition(stream: SalesforceStream, partition: string | null): string | null {
  const range = partition === null ? null : parsePartition(partition);
  if (!range) return null;
  const field = sourceFieldOf(columnOf(stream, CUSTOMER_ID_COLUMN));
  const literal = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const bounds = [range.from === null ? null : `${field} >= ${literal(range.from)}`, range.to === null ? null : `${field} < ${literal(range.to)}`].filter(
    (bound): bound is string => bound !== null,
  );
  const inRange = bounds.join(' AND ');
  if (range.from !== null) return inRange;
  return inRange ? `(${field} = null OR ${inRange})` : null;
}

/**
 * Everything strictly after the cursor, in cursor order: rows sharing the cursor's timestamp are
 * told apart by Id, so none is skipped or read twice.
 */
export function buildSoql(stream: SalesforceStream, cursor: StreamCursor | null, partition: string | null = null): string {
  const fields = stream.columns.map(sourceFieldOf).join(', ');
  const cursorField = sourceFieldOf(columnOf(stream, stream.cursorColumn));
  const keyField = sourceFieldOf(columnOf(stream, stream.primaryKey));
  const order = ` ORDER BY ${cursorField}, ${keyField}`;
  const conditions: string[] = [];
  const inPartition = partitionCondition(stream, partition);
  if (inPartition) conditions.push(inPartition);
  if (cursor) {
    const { value, key } = cursorLiterals(stream, cursor);
    conditions.push(`(${cursorField} > ${value} OR (${cursorField} = ${value} AND ${keyField} > ${key}))`);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${fields} FROM ${stream.sobject}${where}${order}`;
}

// ---------------------------------------------------------------------------------------------
// Mapping

type Converter = (value: unknown) => { ok: true; value: unknown } | { ok: false };
const ok = (value: unknown): { ok: true; value: unknown } => ({ ok: true, value });
const NOT_OK = { ok: false } as const;

const toNumber: Converter = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? ok(n) : NOT_OK;
};

const converters: Record<StreamColumn['type'], Converter> = {
  string: (v) => (typeof v === 'string' ? ok(v) : typeof v === 'number' || typeof v === 'boolean' ? ok(String(v)) : NOT_OK),
  number: toNumber,
  integer: (v) => {
    const n = toNumber(v);
    return n.ok && Number.isInteger(n.value) ? n : NOT_OK;
  },
  boolean: (v) => (typeof v === 'boolean' ? ok(v) : v === 'true' || v === 'false' ? ok(v === 'true') : NOT_OK),
  // Salesforce writes 2024-05-01T12:00:00.000+0000; the warehouse gets ISO-8601 in UTC.
  timestamp: (v) => {
    const at = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    return Number.isNaN(at) ? NOT_OK : ok(new Date(at).toISOString());
  },
  date: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? ok(v) : NOT_OK),
  json: (v) => ok(v),
};

/**
 * One Salesforce record → one warehouse row. Pure; a missing or null field stays null, and a value of
 * another type than its column's is kept aside for the quality gate to quarantine the row.
 */
export function mapSalesforceRecord(stream: SalesforceStream, record: Readonly<Record<string, unknown>>): Row {
  const row: Row = {};
  for (const column of stream.columns) {
    const field = sourceFieldOf(column);
    const raw = record[field];
    if (raw === null || raw === undefined) {
      row[column.name] = null;
      continue;
    }
    const converted = converters[column.type](raw);
    if (converted.ok) row[column.name] = converted.value;
    else markUnconvertible(row, column.name, raw);
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Connection and pages

const OAUTH_REFUSALS = new Set([
  'invalid_grant',
  'invalid_client_id',
  'invalid_client',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
  'unsupported_grant_type',
]);

function loginError(error: unknown): ConnectorError {
  const name = error instanceof Error ? error.name : 'unknown';
  const message = error instanceof Error ? error.message : String(error);
  if (OAUTH_REFUSALS.has(name)) {
    return new ConnectorError(
      'auth',
      `Salesforce refused the OAuth password login (${name})`,
      "check the username, the password (with the user's security token appended when the org requires it) " +
        "and the connected app's client id and secret, then update the connector",
    );
  }
  // jsforce names a token-endpoint failure without an OAuth error body ERROR_HTTP_<status>.
  const status = Number(/^ERROR_HTTP_(\d{3})$/.exec(name)?.[1] ?? Number.NaN);
  if (status === 429) return new RateLimitedError(`Salesforce throttled the login: ${message}`, null);
  if (status >= 400 && status < 500) {
    return new ConnectorError('config', `Salesforce login answered HTTP ${status}`, "check the connector's loginUrl");
  }
  return new ConnectorError('transient', `Salesforce login failed: ${message}`);
}

async function openConnection(config: SalesforceSourceConfig, signal: AbortSignal): Promise<Connection> {
  const { auth, loginUrl, apiVersion } = config;
  if (auth.type === 'access-token') {
    return new Connection({ instanceUrl: loginUrl, accessToken: auth.accessToken, version: apiVersion });
  }
  const conn = new Connection({
    loginUrl,
    version: apiVersion,
    oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret, loginUrl },
  });
  try {
    await untilAborted(conn.login(auth.username, auth.password), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw loginError(error);
  }
  return conn;
}

/** The default transport, remembering the last HTTP response so that errors can be classified. */
class RecordingTransport extends Transport {
  last: HttpResponse | null = null;

  override httpRequest(req: HttpRequest, options?: HttpRequestOptions): StreamPromise<HttpResponse> {
    const pending = super.httpRequest(req, options);
    void pending.then(
      (response) => {
        this.last = response;
      },
      () => undefined,
    );
    return pending;
  }
}

/** No in-process retry at all (not even jsforce's two 420 retries): Temporal retries durably. */
const NO_RETRY: HttpRequestOptions = { retry: { methods: [] } };

const queryResponseSchema = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().min(1).optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});
type QueryResponse = z.infer<typeof queryResponseSchema>;

type PageResult = { kind: 'page'; page: QueryResponse } | { kind: 'quota-exhausted'; detail: string } | { kind: 'locator-expired' };

const THROTTLE_STATUSES = new Set([420, 429, 503]);
const QUERY_REJECTIONS = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'MALFORMED_QUERY', 'INVALID_QUERY_FILTER_OPERATOR']);

function errorCodeOf(error: unknown): string {
  if (error instanceof Error && 'errorCode' in error && typeof error.errorCode === 'string') return error.errorCode;
  return error instanceof Error ? error.name : 'unknown';
}

/** A failed page request as the error taxonomy, or as a daily-quota stop. */
function pageFailure(
  error: unknown,
  response: HttpResponse | null,
  config: SalesforceSourceConfig,
): ConnectorError | { kind: 'quota-exhausted'; detail: string } {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const status = response?.statusCode;
  const what = `Salesforce answered HTTP ${status ?? 'none'} ${code}: ${message}`;
  if (status === 403 && code === 'REQUEST_LIMIT_EXCEEDED' && !/concurrent/i.test(message)) {
    return { kind: 'quota-exhausted', detail: what };
  }
  const retryAfterMs = parseRetryAfter(response?.headers['retry-after']);
  if ((status !== undefined && THROTTLE_STATUSES.has(status)) || code === 'REQUEST_LIMIT_EXCEEDED') {
    return new RateLimitedError(what, retryAfterMs);
  }
  if (status === 401 || code === 'INVALID_SESSION_ID') {
    const hint =
      config.auth.type === 'access-token'
        ? 'the access token expired or was revoked: update the connector with a fresh token, or use oauth-password'
        : 'the session was refused right after login: check that the user has API access';
    return new ConnectorError('auth', what, hint);
  }
  if (status === 403) {
    return new ConnectorError('auth', what, 'the user needs the "API Enabled" permission and read access to the object');
  }
  if (QUERY_REJECTIONS.has(code)) {
    const hint = 'the org lacks a field the stream selects, or field-level security hides it from the user';
    return new ConnectorError('config', what, hint);
  }
  if (!response || status === undefined || status >= 500) {
    return new ConnectorError('transient', what);
  }
  return new ConnectorError('system', what);
}

async function fetchPage(
  conn: Connection,
  url: string,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<PageResult> {
  const transport = new RecordingTransport();
  let body: unknown;
  try {
    body = await untilAborted(conn.request<unknown>({ method: 'GET', url }, { ...NO_RETRY, transport }), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (errorCodeOf(error) === 'INVALID_QUERY_LOCATOR') return { kind: 'locator-expired' };
    const failure = pageFailure(error, transport.last, config);
    if (failure instanceof ConnectorError) throw failure;
    return failure;
  }
  const parsed = queryResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]?.message ?? 'invalid';
    throw new ConnectorError('system', `Salesforce answered a query with an unexpected body: ${issue}`);
  }
  return { kind: 'page', page: parsed.data };
}

/** Stops once this connector's share of the org's rolling daily quota is spent. */
function quotaStop(conn: Connection, share: number): SourcePage['stop'] {
  const usage = conn.limitInfo.apiUsage;
  if (!usage || usage.limit <= 0 || usage.used / usage.limit < share) return undefined;
  const percent = Math.round(share * 100);
  const detail = `API usage ${usage.used}/${usage.limit} reached this connector's ${percent}% share of the daily quota`;
  return { reason: 'daily-api-quota', detail };
}

/**
 * One logged-in connection per org and user for the life of the worker: every page is its own
 * activity, and logging in per page would spend a request of the org's limit each time.
 */
const connections = new Map<string, Promise<Connection>>();

function connectionKey(config: SalesforceSourceConfig): string {
  return createHash('sha256').update(JSON.stringify([config.loginUrl, config.apiVersion, config.auth])).digest('hex');
}

async function connectionFor(config: SalesforceSourceConfig, signal: AbortSignal): Promise<{ conn: Connection; loginCalls: number }> {
  const key = connectionKey(config);
  const cached = connections.get(key);
  if (cached) return { conn: await cached, loginCalls: 0 };
  const opening = openConnection(config, signal);
  connections.set(key, opening);
  opening.catch(() => connections.delete(key));
  return { conn: await opening, loginCalls: config.auth.type === 'oauth-password' ? 1 : 0 };
}

async function readSalesforcePage(config: SalesforceSourceConfig, streamName: string, request: PageRequest, signal: AbortSignal): Promise<SourcePage> {
  const stream = salesforceStream(streamName);
  signal.throwIfAborted();
  const { conn, loginCalls } = await connectionFor(config, signal);
  const firstPage = `/queryAll?q=${encodeURIComponent(buildSoql(stream, request.cursor, request.partition))}`;
  let result: PageResult;
  let requests = 1;
  try {
    result = await fetchPage(conn, request.pageToken ?? firstPage, config, signal);
    // A query locator lives ~15 minutes; the cursor says where the last page ended, so query afresh from there.
    if (result.kind === 'locator-expired' && request.pageToken) {
      requests += 1;
      result = await fetchPage(conn, firstPage, config, signal);
    }
  } catch (error) {
    // A session the org no longer accepts is forgotten, so the retry logs in again.
    if (error instanceof ConnectorError && error.category === 'auth') connections.delete(connectionKey(config));
    throw error;
  }
  const apiCalls = requests + loginCalls;
  if (result.kind === 'locator-expired') throw new ConnectorError('transient', 'Salesforce refused a fresh query locator as expired');
  if (result.kind === 'quota-exhausted') {
    return { rows: [], apiCalls, nextPageToken: null, stop: { reason: 'daily-api-quota', detail: result.detail } };
  }
  const { page } = result;
  const rows = page.records.map((record) => mapSalesforceRecord(stream, record));
  const usage = conn.limitInfo.apiUsage;
  const stop = quotaStop(conn, config.apiQuotaShare);
  if (!stop && !page.done && !page.nextRecordsUrl) {
    throw new ConnectorError('system', 'Salesforce said more records follow but gave no nextRecordsUrl');
  }
  return {
    rows,
    apiCalls,
    nextPageToken: stop || page.done ? null : (page.nextRecordsUrl ?? null),
    ...(usage && usage.limit > 0 ? { usage: { used: usage.used, limit: usage.limit, scope: 'daily API requests' } } : {}),
    ...(stop ? { stop } : {}),
  };
}

export const salesforceSource: SourcePlugin<SalesforceSourceConfig> = {
  kind: 'salesforce',
  streams: salesforceStreams,
  partitions: (config, stream) => salesforcePartitions(config.customerIdBoundaries, stream),
  readPage: readSalesforcePage,
};
