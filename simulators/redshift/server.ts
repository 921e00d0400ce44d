/**
 * A local Redshift Data API: the AWS JSON 1.1 protocol the real @aws-sdk/client-redshift-data
 * speaks, executing the SQL it receives on a real PostgreSQL (a fresh database per simulator) after
 * the narrow rewrites of dialect.ts. COPY reads from an S3 simulator's objects.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ObjectStore } from '../s3/store';
import type { LoadErrorDetail } from './copy';
import type { TableDesign } from './dialect';
import { PostgresEngine } from './engine';
import { RedshiftDataService } from './operations';
import { ApiError, sendAwsError, sendAwsJson } from './protocol';
import type { RecordedStatement } from './statements';
import { listen, type ListenOptions } from '../listen';
import { readBody } from '../read-body';

export interface RedshiftSimulatorOptions extends ListenOptions {
  /** A PostgreSQL server URL whose user may create databases (TEST_DATABASE_URL, scripts/postgres.sh). */
  postgresUrl: string;
  /** The database name clients must send; default `dev`, as a new Redshift has. */
  database?: string;
  /** Objects COPY reads from (an S3 simulator's store). */
  s3?: ObjectStore;
  /** Access key ids accepted; any key when omitted. */
  accessKeyIds?: readonly string[];
  /** Records per GetStatementResult page (default 500), small in tests to exercise NextToken. */
  pageSize?: number;
  /** Every statement waits this long in STARTED before it runs: for polling and timeout tests. */
  statementDelayMs?: number;
}

export type DataApiOperation =
  'ExecuteStatement' | 'BatchExecuteStatement' | 'DescribeStatement' | 'GetStatementResult' | 'CancelStatement';

export interface DataApiRequest {
  readonly operation: string;
  readonly status: number;
}

export interface RedshiftSimulator {
  url: string;
  /** The Data API database name to send. */
  database: string;
  /** The PostgreSQL database behind it, for tests that check what really landed. */
  postgresDatabaseUrl: string;
  statements(): RecordedStatement[];
  requests(): readonly DataApiRequest[];
  /** DISTSTYLE / DISTKEY / SORTKEY a table was created with, by `schema.table`. */
  tableDesign(table: string): TableDesign | undefined;
  /** What made COPY fail, as Redshift's sys_load_error_detail would tell. */
  loadErrors(): readonly LoadErrorDetail[];
  /** The next `count` requests answer ThrottlingException. */
  throttle(count: number): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(
    req,
    MAX_BODY_BYTES,
    () => new ApiError(413, 'ValidationException', `request larger than ${MAX_BODY_BYTES} bytes`),
  );
  const text = body.toString('utf8');
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(400, 'SerializationException', 'the request body is not JSON');
  }
}

/** SigV4 is checked for presence and scope only: `Credential=AKID/date/region/redshift-data/aws4_request`. */
function checkSignature(req: IncomingMessage, accessKeyIds: readonly string[] | undefined): void {
  const scope = /^AWS4-HMAC-SHA256 Credential=([^/,]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;
  const credential = scope.exec(req.headers.authorization ?? '');
  if (!credential || !req.headers['x-amz-date']) {
    throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (credential[2] !== 'redshift-data') {
    throw new ApiError(403, 'InvalidSignatureException', `Credential should be scoped to correct service: 'redshift-data'`);
  }
  if (accessKeyIds && !accessKeyIds.includes(credential[1] ?? '')) {
    throw new ApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
}

export async function startRedshiftSimulator(options: RedshiftSimulatorOptions): Promise<RedshiftSimulator> {
  const engine = await PostgresEngine.create(options.postgresUrl);
  const database = options.database ?? 'dev';
  const designs = new Map<string, TableDesign>();
  const loadErrors: LoadErrorDetail[] = [];
  const service = new RedshiftDataService(
    { engine, s3: options.s3 ?? null, database, delayMs: options.statementDelayMs ?? 0, designs, loadErrors },
    options.pageSize ?? 500,
  );
  const operations: Record<DataApiOperation, (body: unknown) => Record<string, unknown> | Promise<Record<string, unknown>>> = {
    ExecuteStatement: (body) => service.executeStatement(body),
    BatchExecuteStatement: (body) => service.batchExecuteStatement(body),
    DescribeStatement: (body) => service.describeStatement(body),
    GetStatementResult: (body) => service.getStatementResult(body),
    CancelStatement: (body) => service.cancelStatement(body),
  };
  const isOperation = (name: string): name is DataApiOperation => Object.hasOwn(operations, name);
  const log: DataApiRequest[] = [];
  let throttled = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, operation: string): Promise<void> {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://redshift.local').pathname !== '/') {
      throw new ApiError(404, 'UnknownOperationException', 'The Data API is served at POST /');
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      throw new ApiError(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    }
    checkSignature(req, options.accessKeyIds);
    if (throttled > 0) {
      throttled -= 1;
      throw new ApiError(400, 'ThrottlingException', 'Rate exceeded');
    }
    if (!isOperation(operation)) {
      throw new ApiError(400, 'UnknownOperationException', `${operation} is not served by the simulator`);
    }
    sendAwsJson(res, 200, await operations[operation](await readJsonBody(req)), requestId);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RedshiftData.') ? target.slice('RedshiftData.'.length) : target;
    res.on('finish', () => log.push({ operation, status: res.statusCode }));
    handle(req, res, requestId, operation).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalServerException', message);
      if (!res.headersSent) sendAwsError(res, apiError, requestId);
    });
  });
  const { host, port } = await listen(server, options);
  return {
    url: `http://${host}:${port}`,
    database,
    postgresDatabaseUrl: engine.databaseUrl,
    statements: () => service.statements(),
    requests: () => [...log],
    tableDesign: (table) => designs.get(table),
    loadErrors: () => [...loadErrors],
    throttle: (count) => {
      throttled = count;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await service.settle();
      await engine.drop();
    },
  };
}
