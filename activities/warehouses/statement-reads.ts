/**
 * What an analyst's statement reads, decided from the parsed statement, never from its text: DuckDB's
 * parser (`json_serialize_sql`, on a private in-memory instance) turns it into its syntax tree, which
 * serialises SELECT statements only. The tables are the tree's base-table references, minus the
 * names of common table expressions in scope where they are referenced. Table functions
 * (read_csv, read_parquet…), names that are files and functions that reach outside the warehouse
 * are refused for everyone: the endpoint reads tables.
 */
import { z } from 'zod';
import { loadDriver } from './duckdb/connection';

export interface TableRead {
  /** Empty when the statement left it out: the destination's schema. */
  readonly schema: string;
  readonly table: string;
}

export type StatementReads =
  { readonly ok: true; readonly tables: TableRead[] } | { readonly ok: false; readonly rule: StatementRule; readonly message: string };

export type StatementRule = 'single_select' | 'single_statement' | 'no_table_functions' | 'no_files' | 'no_system_functions';

/** Functions that read files, the server's settings or other databases, in DuckDB and PostgreSQL. */
const OUTSIDE_FUNCTIONS = /^(read_|pg_read|pg_ls|pg_stat_file|lo_|dblink|getenv|current_setting|set_config|query$|query_table$)/i;

const serialised = z.union([
  z.object({ error: z.literal(true), error_message: z.string() }),
  z.object({ error: z.literal(false), statements: z.array(z.unknown()) }),
]);

let parser: Promise<{ serialise(sql: string): Promise<string> }> | undefined;

/** One in-memory DuckDB for parsing, made on first use; it never holds a table. */
function sqlParser(): Promise<{ serialise(sql: string): Promise<string> }> {
  parser ??= loadDriver().then(async (d) => {
    const instance = await d.DuckDBInstance.create(':memory:');
    return {
      async serialise(sql: string) {
        const connection = await instance.connect();
        try {
          const rows = await (await connection.run('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql])).getRows();
          return String(rows[0]?.[0]);
        } finally {
          connection.closeSync();
        }
      },
    };
  });
  return parser;
}

export async function statementReads(sql: string): Promise<StatementReads> {
  const tree = serialised.parse(JSON.parse(await (await sqlParser()).serialise(sql)));
  if (tree.error) {
    return { ok: false, rule: 'single_select', message: `sql must be one SELECT or WITH … SELECT statement (${tree.error_message})` };
  }
  if (tree.statements.length !== 1) {
    return { ok: false, rule: 'single_statement', message: `sql must be one statement; it holds ${tree.statements.length}` };
  }
  const reads: TableRead[] = [];
  const refusal = walk(tree.statements[0], new Set(), reads);
  if (refusal) return { ok: false, ...refusal };
  const unique = new Map(reads.map((read) => [`${read.schema}.${read.table}`, read]));
  return { ok: true, tables: [...unique.values()] };
}

type Refusal = { rule: StatementRule; message: string } | undefined;

type TreeNode = Readonly<Record<string, unknown>>;

const isNode = (value: unknown): value is TreeNode => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The names a node's WITH clause defines (cte_map.map[].key). */
function cteNames(here: TreeNode): string[] {
  const map = isNode(here.cte_map) ? here.cte_map.map : undefined;
  return Array.isArray(map) ? map.map((entry) => (isNode(entry) ? text(entry.key).toLowerCase() : '')) : [];
}

/** Depth first over every value of the tree; `ctes` are the names of the common table expressions in scope. */
function walk(value: unknown, ctes: ReadonlySet<string>, reads: TableRead[]): Refusal {
  const children = Array.isArray(value) ? value : isNode(value) ? Object.values(value) : [];
  const inScope = isNode(value) && cteNames(value).length > 0 ? new Set([...ctes, ...cteNames(value)]) : ctes;
  const refusal = isNode(value) ? judge(value, inScope, reads) : undefined;
  if (refusal) return refusal;
  for (const child of children) {
    const inner = walk(child, inScope, reads);
    if (inner) return inner;
  }
  return undefined;
}

function judge(here: TreeNode, ctes: ReadonlySet<string>, reads: TableRead[]): Refusal {
  if (here.type === 'TABLE_FUNCTION') {
    const name = (isNode(here.function) && text(here.function.function_name)) || 'a table function';
    return { rule: 'no_table_functions', message: `sql must read tables only: the table function ${name} is not allowed` };
  }
  const functionName = text(here.function_name);
  if (here.class === 'FUNCTION' && OUTSIDE_FUNCTIONS.test(functionName)) {
    return { rule: 'no_system_functions', message: `sql must not call ${functionName}: it reaches outside the warehouse's tables` };
  }
  if (here.type !== 'BASE_TABLE') return undefined;
  const schema = text(here.schema_name).toLowerCase();
  const table = text(here.table_name).toLowerCase();
  // DuckDB reads a file named as a table ('data.csv', '/etc/passwd'): a file is not a table.
  if (/[./\\:]/.test(table) || text(here.catalog_name) !== '') {
    return { rule: 'no_files', message: `sql must read the warehouse's tables: ${text(here.table_name)} is not one` };
  }
  if (schema === '' && ctes.has(table)) return undefined;
  reads.push({ schema, table });
  return undefined;
}
