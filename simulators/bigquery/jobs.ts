/**
 * Jobs as BigQuery keeps them: every query and load is a job with a reference, a configuration, a
 * status and statistics, fetched by jobs.get and (for queries) paged by getQueryResults. Jobs run
 * to completion when inserted; `runningPolls` makes them look RUNNING for that many polls first,
 * so the SDK's polling is exercised too.
 */
import { randomUUID } from 'node:crypto';
import type { TranslatedStatement } from './dialect';
import { BigQueryRequestError, type ErrorProto } from './errors';
import type { LoadFailure } from './load';
import { encodeRow, type FormatOptions } from './results';
import type { ScriptOutcome } from './script';
import type { JobConfiguration } from './wire';

export type JobKind = 'query' | 'load';

export interface JobRecord {
  projectId: string;
  jobId: string;
  location: string;
  kind: JobKind;
  /** The configuration as the client sent it (defaults filled in). */
  configuration: JobConfiguration;
  creationTime: number;
  /** The uploaded file of a load job, byte for byte. */
  upload: Buffer | null;
  outcome:
    | { ok: true; query: ScriptOutcome | null; loadedRows: number | null }
    | { ok: false; errorResult: ErrorProto; errors: ErrorProto[]; error: BigQueryRequestError };
  /** Polls still to answer with RUNNING / jobComplete: false. */
  pendingPolls: number;
}

/** What tests read back: the job, and (for scripts) each statement in GoogleSQL and as DuckDB ran it. */
export interface JobSummary {
  jobId: string;
  kind: JobKind;
  configuration: JobConfiguration;
  upload: Buffer | null;
  state: 'DONE';
  errorResult: ErrorProto | null;
  statements: readonly TranslatedStatement[];
}

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly runningPolls: number) {}

  newJobId(requested: string | undefined): string {
    return requested ?? `job_${randomUUID().replaceAll('-', '_')}`;
  }

  add(record: Omit<JobRecord, 'pendingPolls' | 'creationTime'>): JobRecord {
    const key = `${record.projectId}:${record.jobId}`;
    if (this.jobs.has(key)) {
      throw new BigQueryRequestError('duplicate', `Already Exists: Job ${record.projectId}:${record.location}.${record.jobId}`);
    }
    const job: JobRecord = { ...record, creationTime: Date.now(), pendingPolls: this.runningPolls };
    this.jobs.set(key, job);
    return job;
  }

  get(projectId: string, jobId: string): JobRecord {
    const job = this.jobs.get(`${projectId}:${jobId}`);
    if (!job) throw BigQueryRequestError.notFound(`Job ${projectId}:${jobId}`);
    return job;
  }

  /** True while the job should still look unfinished; each call is one poll. */
  poll(job: JobRecord): boolean {
    if (job.pendingPolls <= 0) return false;
    job.pendingPolls -= 1;
    return true;
  }

  summaries(): JobSummary[] {
    return [...this.jobs.values()].map((job) => ({
      jobId: job.jobId,
      kind: job.kind,
      configuration: job.configuration,
      upload: job.upload,
      state: 'DONE',
      errorResult: job.outcome.ok ? null : job.outcome.errorResult,
      statements: job.outcome.ok ? (job.outcome.query?.statements ?? []) : [],
    }));
  }
}

export function failedOutcome(error: BigQueryRequestError | LoadFailure): JobRecord['outcome'] {
  if (error instanceof BigQueryRequestError) {
    return { ok: false, errorResult: error.proto, errors: [error.proto], error };
  }
  return {
    ok: false,
    errorResult: error.errorResult.proto,
    errors: error.details.map((detail) => detail.proto),
    error: error.errorResult,
  };
}

export function jobResource(job: JobRecord, running: boolean): object {
  const reference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
  const { outcome } = job;
  const status = running
    ? { state: 'RUNNING' }
    : outcome.ok
      ? { state: 'DONE' }
      : { state: 'DONE', errorResult: outcome.errorResult, errors: outcome.errors };
  const statistics: Record<string, unknown> = {
    creationTime: String(job.creationTime),
    startTime: String(job.creationTime),
    ...(running ? {} : { endTime: String(Date.now()) }),
  };
  if (outcome.ok && outcome.query) {
    const { statementType, numDmlAffectedRows, statements } = outcome.query;
    statistics.query = {
      statementType,
      totalBytesProcessed: '0',
      ...(numDmlAffectedRows !== null ? { numDmlAffectedRows: String(numDmlAffectedRows) } : {}),
    };
    if (statements.length > 1) statistics.numChildJobs = String(statements.length);
  }
  if (outcome.ok && outcome.loadedRows !== null) {
    statistics.load = {
      inputFiles: '1',
      inputFileBytes: String(job.upload?.length ?? 0),
      outputRows: String(outcome.loadedRows),
      outputBytes: String(job.upload?.length ?? 0),
      badRecords: '0',
    };
  }
  return {
    kind: 'bigquery#job',
    id: `${job.projectId}:${job.location}.${job.jobId}`,
    jobReference: reference,
    configuration: job.configuration,
    status,
    statistics,
  };
}

/** One page of a finished query's rows, in the getQueryResults / jobs.query shape. */
export function queryResults(job: JobRecord, page: { startIndex: number; maxResults: number; format: FormatOptions }): object {
  const jobReference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
  const { outcome } = job;
  if (!outcome.ok) throw outcome.error;
  const result = outcome.query?.result;
  if (!result) throw new BigQueryRequestError('invalid', `Job ${job.jobId} is not a query job`);
  const end = Math.min(result.rows.length, page.startIndex + page.maxResults);
  const rows = result.rows.slice(page.startIndex, end).map((row) => encodeRow(row, result.types, page.format));
  const numDml = outcome.query?.numDmlAffectedRows;
  return {
    kind: 'bigquery#queryResponse',
    jobReference,
    jobComplete: true,
    totalRows: String(result.rows.length),
    ...(result.fields.length > 0 ? { schema: { fields: result.fields } } : {}),
    ...(rows.length > 0 ? { rows } : {}),
    ...(end < result.rows.length ? { pageToken: String(end) } : {}),
    ...(numDml !== null && numDml !== undefined ? { numDmlAffectedRows: String(numDml) } : {}),
    totalBytesProcessed: '0',
    cacheHit: false,
  };
}
