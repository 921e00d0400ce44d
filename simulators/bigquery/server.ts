/**
 * A local BigQuery over HTTP, driven by the real @google-cloud/bigquery SDK: datasets, tables,
 * query and load jobs of the REST v2 API, with the SQL run in DuckDB (see dialect.ts for the
 * translation). Point the SDK at it with `apiEndpoint: url` or BIGQUERY_EMULATOR_HOST=url.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Catalog, type TableResource } from './catalog';
import { Engine } from './engine';
import { BigQueryRequestError, firstLine, type ErrorReason } from './errors';
import { sendJson } from './http';
import { JobStore, type JobSummary } from './jobs';
import { route } from './routes';
import { listen, type ListenOptions } from '../listen';

export interface BigQuerySimulatorOptions extends ListenOptions {
  /** Where datasets live unless created elsewhere; also the default job location. */
  location?: string;
  /** Rows per getQueryResults page unless the client asks for fewer. */
  pageSize?: number;
  /** Polls each job answers RUNNING (jobComplete: false) before DONE. */
  runningPolls?: number;
}

export interface InjectedFailure {
  reason: ErrorReason;
  /** The HTTP status; the reason's usual one when omitted (e.g. 429 for rateLimitExceeded). */
  status?: number;
  message?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string's parameters (the SDK adds its own, e.g. prettyPrint). */
  query: Record<string, string>;
}

export interface BigQuerySimulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Every job in the order it was inserted, with its configuration, uploaded bytes and statements. */
  jobs(): JobSummary[];
  /** Every statement run, as sent (GoogleSQL) and as DuckDB ran it. */
  statements(): { googleSql: string; duckdb: string }[];
  /** tables.get as the SDK would see it: schema, timePartitioning, clustering… */
  table(projectId: string, datasetId: string, tableId: string): Promise<TableResource>;
  requests(): LoggedRequest[];
  /** The next `count` requests fail with this error, before they touch anything. */
  failNext(count: number, failure: InjectedFailure): void;
}

export async function startBigQuerySimulator(options: BigQuerySimulatorOptions = {}): Promise<BigQuerySimulator> {
  const engine = await Engine.open();
  const scratchDir = await mkdtemp(path.join(tmpdir(), 'ih-bigquery-sim-'));
  const defaultLocation = options.location ?? 'US';
  const catalog = new Catalog(engine, defaultLocation);
  const jobs = new JobStore(options.runningPolls ?? 0);
  const context = { catalog, jobs, scratchDir, defaultLocation, pageSize: options.pageSize ?? 10_000 };
  const logged: LoggedRequest[] = [];
  const failures: InjectedFailure[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    logged.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    try {
      const failure = failures.shift();
      if (failure) {
        req.resume();
        throw new BigQueryRequestError(failure.reason, failure.message ?? `Injected ${failure.reason}`, failure.status);
      }
      if (!(await route(context, req, res))) throw BigQueryRequestError.notFound(`URL ${req.url ?? '/'}`);
    } catch (error) {
      if (res.headersSent) return void res.end();
      if (error instanceof BigQueryRequestError) return sendJson(res, error.httpStatus, error.body());
      const internal = new BigQueryRequestError('backendError', `Simulator error: ${firstLine(error)}`, 500);
      sendJson(res, 500, internal.body());
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  const { host, port } = await listen(server, options);

  return {
    url: `http://${host}:${port}`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      engine.close();
      await rm(scratchDir, { recursive: true, force: true });
    },
    jobs: () => jobs.summaries(),
    statements: () => jobs.summaries().flatMap((job) => job.statements.map(({ googleSql, duckdb }) => ({ googleSql, duckdb }))),
    table: (projectId, datasetId, tableId) => catalog.getTable(projectId, datasetId, tableId),
    requests: () => [...logged],
    failNext(count, failure) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
  };
}
