/**
 * POST /api/v1/warehouse/query: an analyst's read-only SQL on a connector's destination, while the
 * product runs. The embedded DuckDB is read through the instance the product's own process holds;
 * other destinations on their own connection. Each query is audited (who, a hash of the SQL, rows,
 * time), never its result.
 */
import { z } from 'zod';
import { defineRoute } from '../contract';
import { errorAnswer } from '../response-schemas';

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
