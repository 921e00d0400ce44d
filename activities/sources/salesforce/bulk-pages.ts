/**
 * Large reads through Bulk API 2.0 query jobs, one request per page: open a job over the SOQL from
 * the cursor (queryAll, so deletions arrive), check it until JobComplete (waiting longer each time),
 * then fetch its CSV results chunk by chunk by Sforce-Locator. One request per page keeps every one
 * of them under the account queue's rate (the org's 150 requests a minute) and counted like a REST
 * page. The page token names the job and the chunk, so a throttled or crashed page reads the same
 * chunk again; a job that is gone (deleted, or past its seven days) is opened afresh from the
 * cursor, which stands at the last row staged: nothing is lost or read twice.
 *
 * The SOQL keeps ORDER BY (cursor, Id), so chunks arrive in cursor order and every page may move the
 * cursor. ORDER BY turns off Salesforce's PK chunking, so a very large job may time out and end
 * Failed: the read then goes on through REST from the cursor.
 *
 * jsforce's bulk2.query() is not called as such: it reads a whole job in one call (no page to resume
 * from) and retries throttles itself, blind to Retry-After. Its wire is what is spoken (jobs/query,
 * the job states, the results locator) and jsforce parses the text/csv answers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'jsforce/lib/connection';
import Papa from 'papaparse';
import { z } from 'zod';
import { ConnectorError } from '../../errors';
import { parseBody } from '../http-kit';
import type { PageRequest } from '../types';
import type { SalesforceSourceConfig, SalesforceStream } from './definition';
import { csvRowMapper } from './mapping';
import { sendRequest, type PageRead } from './query-pages';
import { buildSoql } from './soql';

const jobId = z.string().regex(/^[A-Za-z0-9]{15,18}$/);

const bulkStepSchema = z.discriminatedUnion('step', [
  /** Open a job over everything after the cursor. */
  z.object({ step: z.literal('open') }),
  /** Check the job; the checks so far set the wait before this one. */
  z.object({ step: z.literal('check'), job: jobId, checks: z.number().int().min(0) }),
  /** Fetch the job's results chunk at the locator (null: the first chunk). */
  z.object({ step: z.literal('results'), job: jobId, locator: z.string().min(1).nullable() }),
  /** The job failed: read on through REST from the cursor. */
  z.object({ step: z.literal('rest') }),
]);
export type BulkStep = z.infer<typeof bulkStepSchema>;

const TOKEN_PREFIX = 'bulk2:';
export const bulkToken = (step: BulkStep): string => TOKEN_PREFIX + JSON.stringify(step);

/** The bulk step a page token names; null for a REST token (a nextRecordsUrl). */
export function bulkStepOf(token: string): BulkStep | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(token.slice(TOKEN_PREFIX.length));
  } catch {
    json = undefined;
  }
  const parsed = bulkStepSchema.safeParse(json);
  if (!parsed.success) throw new ConnectorError('system', 'a Salesforce Bulk API page token is not one this version writes');
  return parsed.data;
}

const jobInfoSchema = z.object({
  id: jobId,
  state: z.enum(['UploadComplete', 'InProgress', 'Aborted', 'JobComplete', 'Failed']),
});
/**
 * A results chunk is asked for as text and parsed here, as arrays: jsforce would parse it into one
 * object per row, guessing among six delimiters, and each object was then checked and copied again.
 * Papa Parse reads a 10,000-row chunk about five times as fast as csv-parse did
 * (bench/bulk-chunk-parse.ts). The jobs this source opens ask for a comma between fields and LF
 * between rows (Salesforce's defaults); fields are quoted with `"` and a quote inside one doubled,
 * as Papa Parse reads by default.
 */
const csvChunkSchema = z.string();
const AS_TEXT = { responseType: 'text/plain' };
const SALESFORCE_CSV = { delimiter: ',', newline: '\n', skipEmptyLines: true } as const;

/** A chunk's header and rows; an unterminated quote, or a row of another length than the header, is refused. */
export function parseResultsChunk(csv: string): { header: string[]; rows: string[][] } {
  const { data, errors } = Papa.parse<string[]>(csv, SALESFORCE_CSV);
  // An empty result has no header row either.
  const [header = [], ...rows] = data;
  const [error] = errors;
  const uneven = rows.findIndex((row) => row.length !== header.length);
  const problem = error
    ? `${error.message} (row ${(error.row ?? 0) + 1})`
    : uneven >= 0 && `row ${uneven + 2} has ${rows[uneven]?.length} fields where the header has ${header.length}`;
  if (problem) throw new ConnectorError('transient', `Salesforce sent a bulk query results chunk that is not CSV: ${problem}`);
  return { header, rows };
}

/** A job Salesforce no longer has. */
const JOB_GONE = new Set(['NOT_FOUND']);
const FIRST_CHECK_WAIT_MS = 250;
const LONGEST_CHECK_WAIT_MS = 10_000;

interface BulkRead {
  conn: Connection;
  stream: SalesforceStream;
  request: PageRequest;
  config: SalesforceSourceConfig;
  signal: AbortSignal;
}

const stepRead = (step: BulkStep): PageRead => ({ kind: 'rows', rows: [], requests: 1, nextPageToken: bulkToken(step) });

async function openJob({ conn, stream, request, config, signal }: BulkRead): Promise<PageRead> {
  const query = buildSoql(stream, request.cursor, request.partition);
  // The chunks' format, said rather than left to the org's defaults: what parseResultsChunk reads.
  const body = JSON.stringify({ operation: 'queryAll', query, columnDelimiter: 'COMMA', lineEnding: 'LF' });
  // A headers object of its own: jsforce writes the body's content-length into it.
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  const answer = await sendRequest(conn, { method: 'POST', url: '/jobs/query', body, headers }, config, signal);
  if (answer.kind === 'quota-exhausted') return { ...answer, requests: 1 };
  const job = parseBody(jobInfoSchema, answer.kind === 'response' ? answer.body : null, {
    service: 'Salesforce',
    action: 'a bulk query job',
  });
  return stepRead({ step: 'check', job: job.id, checks: 0 });
}

async function checkJob(read: BulkRead, job: string, checks: number): Promise<PageRead> {
  const { conn, config, signal } = read;
  await sleep(Math.min(FIRST_CHECK_WAIT_MS * 2 ** checks, LONGEST_CHECK_WAIT_MS), undefined, { signal });
  const answer = await sendRequest(conn, { method: 'GET', url: `/jobs/query/${job}` }, config, signal, JOB_GONE);
  if (answer.kind === 'quota-exhausted') return { ...answer, requests: 1 };
  if (answer.kind === 'refused') return stepRead({ step: 'open' });
  const info = parseBody(jobInfoSchema, answer.body, { service: 'Salesforce', action: 'a bulk query job' });
  switch (info.state) {
    case 'JobComplete':
      return stepRead({ step: 'results', job, locator: null });
    case 'UploadComplete':
    case 'InProgress':
      return stepRead({ step: 'check', job, checks: checks + 1 });
    default:
      return stepRead({ step: 'rest' });
  }
}

async function fetchResults(read: BulkRead, job: string, locator: string | null): Promise<PageRead> {
  const { conn, stream, config, signal } = read;
  // A chunk is one page, staged at once: at most a batch of rows.
  const query = new URLSearchParams({ maxRecords: String(config.batchSize), ...(locator ? { locator } : {}) });
  const url = `/jobs/query/${job}/results?${query.toString()}`;
  const request = { method: 'GET', url, headers: { Accept: 'text/csv' } } as const;
  const answer = await sendRequest(conn, request, config, signal, JOB_GONE, AS_TEXT);
  if (answer.kind === 'quota-exhausted') return { ...answer, requests: 1 };
  if (answer.kind === 'refused') return stepRead({ step: 'open' });
  const chunk = parseResultsChunk(parseBody(csvChunkSchema, answer.body, { service: 'Salesforce', action: 'a bulk query results chunk' }));
  const rows = chunk.rows.map(csvRowMapper(stream, chunk.header));
  const next = answer.headers['sforce-locator'];
  const done = next === undefined || next === '' || next === 'null';
  return { kind: 'rows', rows, requests: 1, nextPageToken: done ? null : bulkToken({ step: 'results', job, locator: next }) };
}

/** One request of a bulk read: the step its page token names. */
export function readBulkStep(read: BulkRead, step: Exclude<BulkStep, { step: 'rest' }>): Promise<PageRead> {
  switch (step.step) {
    case 'open':
      return openJob(read);
    case 'check':
      return checkJob(read, step.job, step.checks);
    case 'results':
      return fetchResults(read, step.job, step.locator);
  }
}
