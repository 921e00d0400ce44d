/**
 * Bulk API 2.0 query jobs as Salesforce serves them and jsforce 3's bulk2 reads them: POST
 * /jobs/query opens a job over a snapshot of the matching records (query or queryAll); each GET of
 * the job moves it one state on (UploadComplete → InProgress → JobComplete, or Failed when a test
 * asked for a failed job); GET .../results serves CSV chunks of at most maxRecords rows, with
 * Sforce-Locator naming the next chunk ('null' after the last) and Sforce-NumberOfRecords.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Endpoint } from './gate';
import { readJson, sendEmpty, sendJson } from './http';
import type { QueryCursor, SimulatedOrg } from './org';
import { SoqlError } from './soql';
import { errorBody } from './wire';

const JOBS_PATH = /^\/services\/data\/v(\d+\.\d)\/jobs\/query(?:\/([A-Za-z0-9]+)(\/results)?)?\/?$/;

/** Which bulk endpoint a path names, for the request log; null when it is not one. */
export function bulkEndpoint(path: string): Endpoint | null {
  const match = JOBS_PATH.exec(path);
  if (!match) return null;
  return match[3] ? 'bulkResults' : 'bulkJob';
}

const DELIMITERS = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' } as const;
const LINE_ENDINGS = { LF: '\n', CRLF: '\r\n' } as const;

const newJobSchema = z.object({
  operation: z.enum(['query', 'queryAll']),
  query: z.string().min(1),
  columnDelimiter: z.enum(Object.keys(DELIMITERS) as [keyof typeof DELIMITERS]).default('COMMA'),
  lineEnding: z.enum(Object.keys(LINE_ENDINGS) as [keyof typeof LINE_ENDINGS]).default('LF'),
});
type NewJob = z.output<typeof newJobSchema>;

type JobState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface QueryJob extends NewJob {
  id: string;
  apiVersion: string;
  createdDate: string;
  state: JobState;
  /** Ends Failed instead of JobComplete. */
  fails: boolean;
  result: QueryCursor;
}

/** What a test can see of a job. */
export interface BulkJobView {
  id: string;
  operation: NewJob['operation'];
  query: string;
  state: JobState;
}

/** A Bulk API 2.0 locator is base64 of the next row's offset, as Salesforce's look. */
const locatorOf = (offset: number): string => Buffer.from(String(offset)).toString('base64url');
const offsetOf = (locator: string): number => Number(Buffer.from(locator, 'base64url').toString('utf8'));

/** Salesforce quotes every value; a null is an empty field. */
function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return `"${String(value).replace(/"/g, '""')}"`;
}

export class BulkQueryJobs {
  private readonly jobs = new Map<string, QueryJob>();
  private sequence = 0;
  private failuresToPlant = 0;

  constructor(
    private readonly org: SimulatedOrg,
    /** The most rows a results chunk holds, whatever maxRecords asks (Infinity: as many as asked). */
    private readonly chunkSize: number,
    private readonly userId: string,
  ) {}

  /** The next `count` jobs opened end in the Failed state, as a job that times out does. */
  failNext(count: number): void {
    this.failuresToPlant = count;
  }

  list(): BulkJobView[] {
    return [...this.jobs.values()].map(({ id, operation, query, state }) => ({ id, operation, query, state }));
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const match = JOBS_PATH.exec(url.pathname);
    const [, version = '59.0', jobId, results] = match ?? [];
    if (!jobId) {
      if (req.method !== 'POST') return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', 'HTTP Method not allowed'), headers);
      return this.open(await readJson(req), version, res, headers);
    }
    const job = this.jobs.get(jobId);
    if (!job) return sendJson(res, 404, errorBody('NOT_FOUND', 'The requested resource does not exist'), headers);
    if (results) return this.results(job, url, res, headers);
    if (req.method === 'DELETE') {
      this.jobs.delete(job.id);
      return sendEmpty(res, 204);
    }
    if (req.method === 'PATCH') {
      job.state = 'Aborted';
      return sendJson(res, 200, this.info(job), headers);
    }
    this.advance(job);
    sendJson(res, 200, this.info(job), headers);
  }

  private open(body: unknown, version: string, res: ServerResponse, headers: Record<string, string>): void {
    const parsed = newJobSchema.safeParse(body);
    if (!parsed.success) {
      const message = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return sendJson(res, 400, errorBody('INVALIDJOB', message), headers);
    }
    let result: QueryCursor;
    try {
      result = this.org.queryRows(parsed.data.query, parsed.data.operation === 'queryAll');
    } catch (error) {
      if (error instanceof SoqlError) return sendJson(res, 400, errorBody(error.errorCode, error.message), headers);
      throw error;
    }
    this.sequence += 1;
    const fails = this.failuresToPlant > 0;
    if (fails) this.failuresToPlant -= 1;
    const job: QueryJob = {
      ...parsed.data,
      id: `750SIM${String(this.sequence).padStart(12, '0')}`,
      apiVersion: version,
      createdDate: new Date().toISOString(),
      state: 'UploadComplete',
      fails,
      result,
    };
    this.jobs.set(job.id, job);
    sendJson(res, 200, this.info(job), headers);
  }

  private advance(job: QueryJob): void {
    if (job.state === 'UploadComplete') job.state = 'InProgress';
    else if (job.state === 'InProgress') job.state = job.fails ? 'Failed' : 'JobComplete';
  }

  private info(job: QueryJob): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.result.schema.name,
      createdById: this.userId,
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      jobType: 'V2Query',
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
      numberRecordsProcessed: job.state === 'JobComplete' ? job.result.rows.length : 0,
      retries: 0,
      totalProcessingTime: 0,
      isPkChunkingSupported: true,
      ...(job.state === 'Failed' ? { errorMessage: 'Query timed out' } : {}),
    };
  }

  private results(job: QueryJob, url: URL, res: ServerResponse, headers: Record<string, string>): void {
    if (job.state !== 'JobComplete') {
      return sendJson(res, 400, errorBody('INVALIDJOBSTATE', `Job ${job.id} is ${job.state}, not JobComplete`), headers);
    }
    const asked = url.searchParams.get('maxRecords');
    const maxRecords = asked === null ? Number.POSITIVE_INFINITY : Number(asked);
    if (asked !== null && (!Number.isInteger(maxRecords) || maxRecords < 1)) {
      return sendJson(res, 400, errorBody('INVALIDJOB', 'maxRecords must be a positive integer'), headers);
    }
    // maxRecords is an upper bound: Salesforce may send fewer rows per chunk.
    const limit = Math.min(maxRecords, this.chunkSize);
    const locator = url.searchParams.get('locator');
    const offset = locator === null ? 0 : offsetOf(locator);
    if (!Number.isInteger(offset) || offset < 0 || offset > job.result.rows.length) {
      return sendJson(res, 400, errorBody('INVALID_LOCATOR', 'The locator is not valid for this job'), headers);
    }
    const rows = job.result.rows.slice(offset, offset + limit);
    const next = offset + rows.length < job.result.rows.length ? locatorOf(offset + rows.length) : 'null';
    const delimiter = DELIMITERS[job.columnDelimiter];
    const lines = [job.result.fields.map(csvValue), ...rows.map((row) => job.result.fields.map((field) => csvValue(row[field])))];
    const text = lines.map((line) => line.join(delimiter) + LINE_ENDINGS[job.lineEnding]).join('');
    res.writeHead(200, {
      'Content-Type': 'text/csv',
      'Content-Length': Buffer.byteLength(text),
      'Sforce-Locator': next,
      'Sforce-NumberOfRecords': String(rows.length),
      ...headers,
    });
    res.end(text);
  }
}
