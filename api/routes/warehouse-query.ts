/**
 * POST /api/v1/warehouse/query: an analyst's read-only SQL on a connector's destination, while the
 * product runs. The embedded DuckDB is read through the instance the product's own process holds;
 * other destinations on their own connection. Each query is audited (who, a hash of the SQL, rows,
 * time), never its result.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../../activities/errors';
import { connectWarehouse } from '../../activities/warehouses';
import { maskQuoted } from '../../activities/warehouses/driver-errors';
import { firstLine } from '../../activities/warehouses/duckdb/connection';
import { LiveQueryTimeout, runLiveQuery, type LiveQueryResult } from '../../activities/warehouses/live-query';
import { statementReads, type TableRead } from '../../activities/warehouses/statement-reads';
import type { Connector } from '../../domain/connector';
import { recordApiActivity } from '../audit';
import { principalOf, type Principal } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { ApiError } from '../errors';
import { errorAnswer } from '../response-schemas';
import { InFlight } from '../shared-reads';
import { parseRequest } from '../validation';
import { checkReads, queriedConnector, readableTables } from '../warehouse-access';

export const WAREHOUSE_QUERY_PATH = '/api/v1/warehouse/query';

const wholeNumber = z.number({ error: 'must be a whole number' }).int('must be a whole number');

export const warehouseQueryBodySchema = z.object({
  sql: z
    .string()
    .min(1, 'must not be empty')
    .max(20_000, 'must be at most 20,000 characters')
    .describe('one SELECT or WITH … SELECT statement; table functions and files are refused'),
  connectorId: z
    .uuid({ error: 'must be a UUID' })
    .optional()
    .describe("query this connector's destination; may be left out when every connector the caller sees writes to one destination"),
  params: z
    .array(z.union([z.string().max(1000, 'must be at most 1,000 characters'), z.number({ error: 'must be a string or a number' })]))
    .max(100, 'must be at most 100 values')
    .default([])
    .describe(
      "values bound to the statement's placeholders, in order: ? on DuckDB, Snowflake and BigQuery, $1, $2… on PostgreSQL and Redshift; " +
        'never spliced into the text, so a quote in a value is just a character',
    ),
  maxRows: wholeNumber.min(1).max(10_000).default(1000).describe('rows returned at most (1000); truncated says whether there were more'),
  timeoutMs: wholeNumber.min(100).max(60_000).default(10_000).describe('the statement is cancelled in the warehouse after this (10 s)'),
});
export type WarehouseQueryBody = z.infer<typeof warehouseQueryBodySchema>;

export const warehouseQueryResultSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('the statement had more rows than maxRows'),
  durationMs: z.number(),
  tables: z.array(z.string()).describe('the tables the statement reads, schema-qualified'),
  destination: z.object({ kind: z.string(), connectorId: z.string() }),
});

export const warehouseQueryRoute = defineRoute({
  method: 'POST',
  path: '/',
  operationId: 'queryWarehouse',
  summary: 'Run a read-only SQL query on the warehouse, within a row limit and a statement timeout',
  description:
    'Campaign leads read the models only; creative analysts the models and the tables of their own connectors; data scientists and admins every table. ' +
    'Refused with 400 naming the rule: anything but one SELECT/WITH statement, table functions, files. 403 names the table the role may not read. ' +
    'Each query is written to the audit log (actor, SHA-256 of the SQL, row count, duration), never its rows.',
  tag: 'warehouse',
  request: { body: { schema: warehouseQueryBodySchema, required: true } },
  responses: {
    200: { description: 'the rows', schema: warehouseQueryResultSchema },
    403: errorAnswer('the statement reads a table this role may not read (named), or a connector that is not the caller’s'),
    404: errorAnswer('no such connector, or the caller sees no connector whose destination could be queried'),
    408: errorAnswer('the statement ran longer than timeoutMs and was cancelled'),
    503: errorAnswer(
      'the warehouse cannot be opened from this process (an embedded DuckDB file held by another process) or is unreachable',
    ),
  },
});

/** What the audit log keeps of a query: who, which statement (its hash: the text may quote personal data), what it read, how it went. */
interface QueryFacts {
  sqlSha256: string;
  tables: string[];
  outcome: 'ok' | 'refused' | 'timeout' | 'failed';
  rows?: number;
  durationMs?: number;
  rule?: string;
}

/** The engine refused the statement itself (unknown column, bad cast…): the caller's SQL, a 400. */
function refusedByEngine(error: unknown): ApiError | null {
  // By shape, not instanceof: the native driver's errors may come from another realm.
  const message = firstLine(error);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const duckdb =
    /^(Binder|Catalog|Parser|Conversion|Invalid Input|Out of Range|Not implemented|Permission|Invalid|Invalid type|Constraint|Dependency|Transaction|TransactionContext) Error/;
  // SQLSTATE classes: 42 syntax or access, 22 data, 25 transaction state, 0A unsupported, 07 params that do not match.
  if (!duckdb.test(message) && !/^(42|22|25|0A|07)/.test(code)) return null;
  // Values quoted by the engine may be personal data: only the message's shape goes back.
  const masked = maskQuoted(message);
  return new ApiError(400, 'validation_failed', `the warehouse refused the statement: ${masked}`, [
    { path: 'sql', rule: 'warehouse_refused', message: masked },
  ]);
}

function failureOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof LiveQueryTimeout) return new ApiError(408, 'statement_timeout', error.message);
  const refused = refusedByEngine(error);
  if (refused) return refused;
  if (error instanceof ConnectorError) return new ApiError(503, 'warehouse_unavailable', error.message);
  throw error;
}

const tableNames = (reads: readonly TableRead[], schema: string): string[] =>
  reads.map((read) => `${read.schema || schema}.${read.table}`).sort();

async function run(
  { dataDir, duckdbMemoryLimit }: Pick<ResolvedApiDeps, 'dataDir' | 'duckdbMemoryLimit'>,
  connector: Connector,
  body: WarehouseQueryBody,
): Promise<LiveQueryResult> {
  const warehouse = await connectWarehouse(connector.configuration.destination, dataDir, duckdbMemoryLimit);
  try {
    return await runLiveQuery(warehouse, body.sql, { maxRows: body.maxRows, timeoutMs: body.timeoutMs }, body.params);
  } finally {
    await warehouse.close();
  }
}

export function warehouseQueryRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const { store } = deps;
  const routes = describedRouter();
  const audit = (connector: Connector, facts: QueryFacts, principal: Principal) =>
    recordApiActivity(store, connector, 'warehouse.query', { ...facts }, principal);
  // The same statement on the same destination while it runs (a page many people open): run once.
  // Each caller is still checked and audited on its own; only the warehouse's work is shared.
  const runs = new InFlight<LiveQueryResult>();
  const runShared = (connector: Connector, body: WarehouseQueryBody): Promise<LiveQueryResult> =>
    runs.share(JSON.stringify([connector.configuration.destination, body.sql, body.params, body.maxRows, body.timeoutMs]), () =>
      run(deps, connector, body),
    );

  routes.serve(warehouseQueryRoute, async (req, res) => {
    const body = parseRequest(warehouseQueryBodySchema, req.body, 'body');
    const principal = principalOf(req);
    const connector = await queriedConnector(store, principal, body.connectorId);
    const { schema } = connector.configuration.destination;
    const sqlSha256 = createHash('sha256').update(body.sql).digest('hex');
    const reads = await statementReads(body.sql);
    if (!reads.ok) {
      await audit(connector, { sqlSha256, tables: [], outcome: 'refused', rule: reads.rule }, principal);
      throw new ApiError(400, 'validation_failed', reads.message, [{ path: 'sql', rule: reads.rule, message: reads.message }]);
    }
    const tables = tableNames(reads.tables, schema);
    try {
      checkReads(reads.tables, await readableTables(store, principal, connector), schema, principal);
    } catch (error) {
      await audit(connector, { sqlSha256, tables, outcome: 'refused', rule: 'table_not_readable' }, principal);
      throw error;
    }
    const started = performance.now();
    const result = await runShared(connector, body).catch(async (error: unknown) => {
      const failure = failureOf(error);
      const outcome = failure.status === 408 ? 'timeout' : 'failed';
      await audit(connector, { sqlSha256, tables, outcome, durationMs: Math.round(performance.now() - started) }, principal);
      throw failure;
    });
    const durationMs = Math.round(performance.now() - started);
    await audit(connector, { sqlSha256, tables, outcome: 'ok', rows: result.rows.length, durationMs }, principal);
    reply(res, warehouseQueryRoute, 200, {
      ...result,
      rowCount: result.rows.length,
      durationMs,
      tables,
      destination: { kind: connector.configuration.destination.kind, connectorId: connector.id },
    });
  });
  return routes;
}
