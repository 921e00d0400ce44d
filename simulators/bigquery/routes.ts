/**
 * The REST v2 routes, matched on the path from `/projects/` on: with `apiEndpoint` the SDK prefixes
 * `/bigquery/v2`, with BIGQUERY_EMULATOR_HOST it does not, and uploads add `/upload` in front.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalog } from './catalog';
import { BigQueryRequestError } from './errors';
import { parseJson, parseMultipart, readBody, sendEmpty, sendJson } from './http';
import { failedOutcome, jobResource, queryResults, type JobRecord, type JobStore } from './jobs';
import { LoadFailure, runLoad } from './load';
import { runScript, type ScriptRequest } from './script';
import { datasetInsertSchema, jobInsertSchema, parseBody, queryRequestSchema, tableInsertSchema, tableMetadataSchema } from './wire';

export interface RouteContext {
  catalog: Catalog;
  jobs: JobStore;
  scratchDir: string;
  defaultLocation: string;
  pageSize: number;
}

interface Request {
  method: string;
  /** Path segments after `projects/`: [projectId, collection, id, …]. */
  segments: string[];
  upload: boolean;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
}

/** Routes one request; false when the path is not a BigQuery REST path. */
export async function route(context: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const at = url.pathname.indexOf('/projects/');
  if (at === -1) return false;
  const segments = url.pathname
    .slice(at + '/projects/'.length)
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const request: Request = {
    method: req.method ?? 'GET',
    segments,
    upload: url.pathname.slice(0, at).includes('/upload'),
    query: url.searchParams,
    req,
    res,
  };
  await dispatch(context, request);
  return true;
}

async function dispatch(context: RouteContext, request: Request): Promise<void> {
  const { method, segments, res } = request;
  const [projectId = '', collection, id, subCollection, subId, ...rest] = segments;
  const unknown = (): never => {
    throw BigQueryRequestError.notFound(`URL ${method} /projects/${segments.join('/')} is not served by the simulator`);
  };
  if (rest.length > 0) unknown();
  const { catalog } = context;
  if (collection === 'datasets' && id === undefined && method === 'POST') {
    const body = parseBody(datasetInsertSchema, parseJson(await readBody(request.req)));
    const { datasetId } = body.datasetReference;
    const location = body.location ?? context.defaultLocation;
    return sendJson(
      res,
      200,
      await catalog.createDataset(projectId, datasetId, { location, description: body.description, labels: body.labels }),
    );
  }
  if (collection === 'datasets' && id !== undefined && subCollection === undefined) {
    if (method === 'GET') return sendJson(res, 200, await catalog.getDataset(projectId, id));
    if (method === 'DELETE') {
      await catalog.deleteDataset(projectId, id, request.query.get('deleteContents') === 'true');
      return sendEmpty(res);
    }
  }
  if (collection === 'datasets' && id !== undefined && subCollection === 'tables') {
    if (subId === undefined && method === 'POST') {
      const body = parseBody(tableInsertSchema, parseJson(await readBody(request.req)));
      return sendJson(res, 200, await catalog.createTable(projectId, id, body.tableReference.tableId, body));
    }
    if (subId !== undefined) return tableRoute(context, request, projectId, id, subId);
  }
  if (collection === 'jobs' && id === undefined && method === 'POST') return insertJob(context, request, projectId);
  if (collection === 'jobs' && id !== undefined && subCollection === undefined && method === 'GET') {
    const job = context.jobs.get(projectId, id);
    return sendJson(res, 200, jobResource(job, context.jobs.poll(job)));
  }
  if (collection === 'queries' && id === undefined && method === 'POST') return queryFastPath(context, request, projectId);
  if (collection === 'queries' && id !== undefined && subCollection === undefined && method === 'GET') {
    return sendQueryPage(context, request, context.jobs.get(projectId, id));
  }
  unknown();
}

async function tableRoute(context: RouteContext, request: Request, projectId: string, datasetId: string, tableId: string) {
  const { catalog } = context;
  const { method, res } = request;
  if (method === 'GET') return sendJson(res, 200, await catalog.getTable(projectId, datasetId, tableId));
  if (method === 'PATCH' || method === 'PUT') {
    const body = parseBody(tableMetadataSchema, parseJson(await readBody(request.req)));
    return sendJson(res, 200, await catalog.patchTable(projectId, datasetId, tableId, body));
  }
  if (method === 'DELETE') {
    await catalog.deleteTable(projectId, datasetId, tableId);
    return sendEmpty(res);
  }
  throw BigQueryRequestError.notFound(`URL ${method} on table ${tableId} is not served by the simulator`);
}

/** jobs.insert: a query job as JSON, or a load job as a multipart upload (configuration, then the file). */
async function insertJob(context: RouteContext, request: Request, projectId: string): Promise<void> {
  const body = await readBody(request.req);
  const parts = request.upload ? parseMultipart(request.req.headers['content-type'], body) : null;
  const [metadataPart, filePart] = parts ?? [];
  if (parts && (!metadataPart || !filePart))
    throw new BigQueryRequestError('invalid', 'A load upload needs the job configuration and the file');
  const insert = parseBody(jobInsertSchema, parseJson(metadataPart?.body ?? body));
  const reference = insert.jobReference;
  const base = {
    projectId,
    jobId: context.jobs.newJobId(reference.jobId),
    location: reference.location ?? context.defaultLocation,
    configuration: insert.configuration,
  };
  let job: JobRecord;
  if ('load' in insert.configuration) {
    if (!filePart) throw new BigQueryRequestError('invalid', 'A load job from local data must be uploaded (uploadType=multipart)');
    const config = insert.configuration.load;
    const outcome = await runLoad(context.catalog, context.scratchDir, projectId, config, filePart.body).then(
      (loaded): JobRecord['outcome'] => ({ ok: true, query: null, loadedRows: loaded.outputRows }),
      (error: unknown) => failedOutcome(asJobError(error)),
    );
    job = context.jobs.add({ ...base, kind: 'load', upload: filePart.body, outcome });
  } else {
    const query = insert.configuration.query;
    const outcome = await runQuery(context, {
      projectId,
      defaultDataset: query.defaultDataset?.datasetId ?? null,
      sql: query.query,
      parameters: query.queryParameters,
    });
    job = context.jobs.add({ ...base, kind: 'query', upload: null, outcome });
  }
  sendJson(request.res, 200, jobResource(job, context.jobs.poll(job)));
}

/** jobs.query: runs as a job, answers with the first page, or jobComplete: false while it "runs". */
async function queryFastPath(context: RouteContext, request: Request, projectId: string): Promise<void> {
  const body = parseBody(queryRequestSchema, parseJson(await readBody(request.req)));
  const outcome = await runQuery(context, {
    projectId,
    defaultDataset: body.defaultDataset?.datasetId ?? null,
    sql: body.query,
    parameters: body.queryParameters,
  });
  const job = context.jobs.add({
    projectId,
    jobId: context.jobs.newJobId(undefined),
    location: body.location ?? context.defaultLocation,
    kind: 'query',
    configuration: { query: body },
    upload: null,
    outcome,
  });
  if (!outcome.ok) throw outcome.error;
  if (context.jobs.poll(job)) {
    const jobReference = { projectId, jobId: job.jobId, location: job.location };
    return sendJson(request.res, 200, { kind: 'bigquery#queryResponse', jobReference, jobComplete: false });
  }
  const format = { useInt64Timestamp: body.formatOptions?.useInt64Timestamp === true };
  sendJson(request.res, 200, queryResults(job, { startIndex: 0, maxResults: body.maxResults ?? context.pageSize, format }));
}

function sendQueryPage(context: RouteContext, request: Request, job: JobRecord): void {
  const { query, res } = request;
  if (context.jobs.poll(job)) {
    const jobReference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
    return sendJson(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference, jobComplete: false });
  }
  const startIndex = Number(query.get('pageToken') ?? query.get('startIndex') ?? 0);
  const maxResults = Number(query.get('maxResults') ?? context.pageSize);
  if (!Number.isInteger(startIndex) || startIndex < 0) throw new BigQueryRequestError('invalid', 'Invalid page token');
  const format = { useInt64Timestamp: query.get('formatOptions.useInt64Timestamp') === 'true' };
  sendJson(res, 200, queryResults(job, { startIndex, maxResults, format }));
}

function runQuery(context: RouteContext, request: ScriptRequest): Promise<JobRecord['outcome']> {
  return runScript(context.catalog, request).then(
    (query): JobRecord['outcome'] => ({ ok: true, query, loadedRows: null }),
    (error: unknown) => failedOutcome(asJobError(error)),
  );
}

/** A job's failure is data on the job; only a bug in the simulator escapes as a 500. */
function asJobError(error: unknown): BigQueryRequestError | LoadFailure {
  if (error instanceof BigQueryRequestError || error instanceof LoadFailure) return error;
  throw error;
}
