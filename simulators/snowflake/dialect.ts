/**
 * Snowflake SQL as DuckDB runs it: the few rewrites the simulator applies, in one table, so what a
 * plug-in sends is what runs, changed only where the two dialects spell the same thing differently.
 * String literals and quoted identifiers are masked first, so no rewrite ever touches a value or a name.
 */

export interface Rewrite {
  readonly snowflake: RegExp;
  readonly duckdb: string;
  readonly why: string;
}

export const REWRITES: readonly Rewrite[] = [
  { snowflake: /\b(VARIANT|OBJECT|ARRAY)\b(?!\s*\()/gi, duckdb: 'JSON', why: 'semi-structured types are JSON in DuckDB' },
  { snowflake: /\bNUMBER\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/gi, duckdb: 'DECIMAL($1, $2)', why: 'NUMBER(p,s) is DECIMAL(p,s)' },
  { snowflake: /\bNUMBER\b(?!\s*\()/gi, duckdb: 'DECIMAL(38, 0)', why: 'bare NUMBER is NUMBER(38,0)' },
  { snowflake: /\b(FLOAT|FLOAT4|FLOAT8|DOUBLE\s+PRECISION|REAL)\b/gi, duckdb: 'DOUBLE', why: 'every Snowflake float is 64-bit' },
  { snowflake: /\bTIMESTAMP_(TZ|LTZ)\b(\s*\(\s*\d\s*\))?/gi, duckdb: 'TIMESTAMPTZ', why: 'an instant; DuckDB keeps UTC, not the offset' },
  { snowflake: /\bTIMESTAMP_NTZ\b(\s*\(\s*\d\s*\))?/gi, duckdb: 'TIMESTAMP', why: 'wall-clock time without zone' },
  { snowflake: /\bCOPY\s+GRANTS\b/gi, duckdb: '', why: 'the simulator has no grants' },
  { snowflake: /\bUSE\s+(SCHEMA|DATABASE)\b/gi, duckdb: 'USE', why: 'DuckDB USE takes a catalog or schema name' },
  { snowflake: /\bALTER\s+SESSION\s+SET\s+TIMEZONE\b/gi, duckdb: 'SET TimeZone', why: 'the session time zone' },
  { snowflake: /(?<![:\w$]):(\d+)\b/g, duckdb: '$$$1', why: 'numbered binds :1 are $1' },
  {
    snowflake: /\bINFORMATION_SCHEMA\.COLUMNS\b/gi,
    duckdb: '__sf_information_schema_columns',
    why: 'the catalog reports Snowflake type names, for the current database only',
  },
];

/** Snowflake functions DuckDB lacks, defined as temporary macros on every session's connection. */
export const SESSION_MACROS: readonly string[] = [
  `CREATE TEMP MACRO parse_json(text) AS json(text)`,
  // A JSON null read from a file is a VARIANT null; STRIP_NULL_VALUE makes it SQL NULL.
  `CREATE TEMP MACRO strip_null_value(value) AS nullif(value::JSON, 'null'::JSON)`,
  `CREATE TEMP VIEW __sf_information_schema_columns AS
     SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, is_nullable,
       CASE
         WHEN data_type = 'VARCHAR' THEN 'TEXT'
         WHEN data_type LIKE 'DECIMAL%' OR data_type IN ('BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT') THEN 'NUMBER'
         WHEN data_type IN ('DOUBLE', 'FLOAT') THEN 'FLOAT'
         WHEN data_type = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_TZ'
         WHEN data_type = 'TIMESTAMP' THEN 'TIMESTAMP_NTZ'
         WHEN data_type = 'JSON' THEN 'VARIANT'
         ELSE data_type
       END AS data_type,
       CASE WHEN data_type IN ('DOUBLE', 'FLOAT') THEN NULL ELSE numeric_precision END AS numeric_precision,
       CASE WHEN data_type IN ('DOUBLE', 'FLOAT') THEN NULL ELSE numeric_scale END AS numeric_scale
     FROM information_schema.columns
     WHERE table_catalog = current_database()`,
];

const CLUSTER_BY = /\bCLUSTER\s+BY\s*\(([^)]*)\)/i;

export interface TranslatedSql {
  sql: string;
  /** The CLUSTER BY keys the statement asked for (DuckDB has no clustering, so the clause is dropped). */
  clusterBy: string | null;
}

/** Replaces quoted text by numbered markers; `restore` puts it back. */
function mask(sql: string): { code: string; restore: (text: string) => string } {
  const quoted: string[] = [];
  const code = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (match) => {
    quoted.push(match);
    return `\u0000${quoted.length - 1}\u0000`;
  });
  // NUL marks the placeholders: it cannot occur in SQL text, so no literal is mistaken for one.
  // eslint-disable-next-line no-control-regex
  const restore = (text: string): string => text.replace(/\u0000(\d+)\u0000/g, (_, index: string) => quoted[Number(index)] ?? '');
  return { code, restore };
}

export function translate(sql: string): TranslatedSql {
  const { code, restore } = mask(sql);
  let rewritten = code;
  let clusterBy: string | null = null;
  const cluster = CLUSTER_BY.exec(rewritten);
  if (cluster) {
    clusterBy = restore(cluster[1] ?? '').trim();
    rewritten = rewritten.replace(CLUSTER_BY, '');
  }
  for (const rule of REWRITES) rewritten = rewritten.replace(rule.snowflake, rule.duckdb);
  return { sql: restore(rewritten), clusterBy };
}

/** The statement's kind, by its first keyword, as Snowflake reports it (statementTypeId). */
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'merge' | 'copy' | 'put' | 'transaction' | 'session' | 'ddl';

const KINDS: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select',
  WITH: 'select',
  SHOW: 'select',
  DESCRIBE: 'select',
  DESC: 'select',
  INSERT: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  MERGE: 'merge',
  COPY: 'copy',
  PUT: 'put',
  BEGIN: 'transaction',
  START: 'transaction',
  COMMIT: 'transaction',
  ROLLBACK: 'transaction',
  USE: 'session',
};

export function statementKind(sql: string): StatementKind {
  // ALTER SESSION sets parameters; unlike other ALTERs it is no DDL and commits nothing.
  if (/^\s*ALTER\s+SESSION\b/i.test(sql)) return 'session';
  const keyword = /^\s*(?:\(\s*)*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return KINDS[keyword] ?? 'ddl';
}

/** statementTypeId values (Snowflake's SFStatementType). */
export const STATEMENT_TYPE_IDS: Readonly<Record<StatementKind, number>> = {
  select: 0x1000,
  insert: 0x3100,
  update: 0x3200,
  delete: 0x3300,
  merge: 0x3400,
  copy: 0x3600,
  put: 0x0001,
  session: 0x4000,
  transaction: 0x5000,
  ddl: 0x6000,
};

/** Snowflake folds unquoted identifiers to upper case; a name the SQL quoted keeps its case. */
export function resultColumnName(name: string, sql: string): string {
  return sql.includes(`"${name.replaceAll('"', '""')}"`) ? name : name.toUpperCase();
}
