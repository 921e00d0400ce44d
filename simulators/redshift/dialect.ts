/**
 * Redshift SQL on PostgreSQL: the one place where the simulator changes what it was sent. Everything
 * else reaches PostgreSQL as written, so the plug-in's SQL is really run.
 *
 * - REWRITES: Redshift syntax PostgreSQL lacks, replaced in SQL code (never inside quotes).
 *   Physical design (DISTSTYLE, DISTKEY, SORTKEY) is recorded per table, then dropped.
 * - SHIMS: Redshift functions PostgreSQL lacks, created in each simulator's database.
 * - REFUSED: forms PostgreSQL would run but Redshift rejects, rejected here too.
 * - `COPY … FROM 's3://…'` is not rewritten but executed by the simulator (copy.ts), reading the
 *   object from the S3 simulator.
 * - `:name` parameters become PostgreSQL's `$n`, bound as text (the Data API sends every value as
 *   a string and Redshift converts it implicitly).
 */
import { parseCopy, type CopyCommand } from './copy';
import { IDENTIFIER, MASK_TOKEN, QUALIFIED_NAME, identifierName, maskSql, qualifiedTableName, type MaskedSql } from './masking';

export interface TableDesign {
  /** schema.table, as Redshift folds it (unquoted names lower-cased). */
  readonly table: string;
  distStyle: string | null;
  distKey: string | null;
  sortKey: string[];
}

interface Rewrite {
  readonly redshift: string;
  readonly postgres: string;
  readonly pattern: RegExp;
  readonly replace: (design: TableDesign, masked: MaskedSql, groups: readonly string[]) => string;
}

export const REWRITES: readonly Rewrite[] = [
  {
    redshift: 'DISTSTYLE AUTO|EVEN|KEY|ALL',
    postgres: '(recorded, dropped)',
    pattern: /\bDISTSTYLE\s+(AUTO|EVEN|KEY|ALL)\b/gi,
    replace(design, _, [style = '']) {
      design.distStyle = style.toUpperCase();
      return '';
    },
  },
  {
    redshift: 'DISTKEY (column)',
    postgres: '(recorded, dropped)',
    pattern: new RegExp(`\\bDISTKEY\\s*\\(\\s*(${IDENTIFIER})\\s*\\)`, 'gi'),
    replace(design, masked, [column = '']) {
      design.distKey = identifierName(masked, column);
      return '';
    },
  },
  {
    redshift: '[COMPOUND] SORTKEY (columns)',
    postgres: '(recorded, dropped)',
    pattern: /\b(?:COMPOUND\s+)?SORTKEY\s*\(([^)]*)\)/gi,
    replace(design, masked, [columns = '']) {
      design.sortKey = columns.split(',').map((column) => identifierName(masked, column));
      return '';
    },
  },
  {
    redshift: 'SUPER',
    postgres: 'JSONB',
    pattern: /\bSUPER\b/gi,
    replace: () => 'JSONB',
  },
  {
    redshift: "LISTAGG(DISTINCT x, ', ') WITHIN GROUP (ORDER BY x)",
    postgres: "string_agg(DISTINCT x, ', ' ORDER BY x)",
    pattern: new RegExp(
      `\\bLISTAGG\\s*\\(\\s*DISTINCT\\s+([^,()]+?)\\s*,\\s*(${MASK_TOKEN})\\s*\\)\\s*WITHIN\\s+GROUP\\s*\\(\\s*ORDER\\s+BY\\s+([^()]+?)\\s*\\)`,
      'gi',
    ),
    replace: (_design, _masked, [value = '', separator = '', order = '']) =>
      `string_agg(DISTINCT ${value}, ${separator} ORDER BY ${order})`,
  },
  {
    // Redshift's GETDATE() is the statement's start, in UTC, without a zone (the database runs in UTC).
    redshift: 'GETDATE()',
    postgres: 'CAST(statement_timestamp() AS TIMESTAMP)',
    pattern: /\bGETDATE\s*\(\s*\)/gi,
    replace: () => 'CAST(statement_timestamp() AS TIMESTAMP)',
  },
  {
    redshift: 'VARCHAR(MAX)',
    postgres: 'VARCHAR(65535)',
    pattern: /\b(?:N?VARCHAR|CHARACTER\s+VARYING)\s*\(\s*MAX\s*\)/gi,
    replace: () => 'VARCHAR(65535)',
  },
  {
    // A bare VARCHAR holds 256 bytes in Redshift; PostgreSQL's would be unbounded and hide overflows.
    redshift: 'VARCHAR',
    postgres: 'VARCHAR(256)',
    pattern: /\b(?:N?VARCHAR|CHARACTER\s+VARYING)\b(?!\s*\()/gi,
    replace: () => 'VARCHAR(256)',
  },
];

interface Refusal {
  readonly pattern: RegExp;
  /** Redshift's message, which the runner prefixes with `ERROR: ` as Redshift does. */
  readonly message: string;
}

export const REFUSED: readonly Refusal[] = [
  {
    // Redshift's MERGE has WHEN MATCHED THEN … and WHEN NOT MATCHED THEN …, no AND condition (r_MERGE).
    pattern: /\bWHEN\s+(?:NOT\s+)?MATCHED\s+AND\b/i,
    message: 'syntax error at or near "AND"',
  },
];

/** Redshift functions and system views, created in every simulator database before the first statement. */
export const SHIMS: readonly string[] = [
  `CREATE FUNCTION json_parse(text) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::jsonb'`,
  `CREATE FUNCTION json_serialize(jsonb) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::text'`,
  // Redshift's takes the JSON as text; PostgreSQL's own takes json.
  `CREATE FUNCTION json_extract_path_text(text, text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS 'SELECT ($1::json) ->> $2'`,
  // SVV_COLUMNS: information_schema.columns as Redshift reports it, SUPER columns included.
  `CREATE VIEW svv_columns AS
     SELECT table_catalog::varchar, table_schema::varchar, table_name::varchar, column_name::varchar,
            ordinal_position::int, column_default::varchar, is_nullable::varchar,
            CASE WHEN data_type IN ('jsonb', 'json') THEN 'super' ELSE data_type END::varchar AS data_type,
            character_maximum_length::int, numeric_precision::int, numeric_scale::int
     FROM information_schema.columns`,
];

export type Translation =
  | {
      readonly kind: 'sql';
      readonly text: string;
      /** The Data API parameter names, in `$n` order. */
      readonly parameterNames: readonly string[];
      readonly rewrites: readonly string[];
      readonly created: TableDesign | null;
      readonly dropped: readonly string[];
    }
  | { readonly kind: 'copy'; readonly command: CopyCommand };

const CREATE_TABLE = new RegExp(
  `^\\s*CREATE\\s+(?:(?:LOCAL\\s+)?TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${QUALIFIED_NAME})`,
  'i',
);
const DROP_TABLE = new RegExp(`^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(${QUALIFIED_NAME}(?:\\s*,\\s*${QUALIFIED_NAME})*)`, 'i');
const PARAMETER = /(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g;

/** Which names a statement references, for checking a request's Parameters before anything runs. */
export function referencedParameters(sql: string): Set<string> {
  return new Set([...maskSql(sql).code.matchAll(PARAMETER)].map((match) => match[1] ?? ''));
}

export function translate(sql: string): Translation {
  const masked = maskSql(sql);
  if (masked.code.trim().replace(/;\s*$/, '').includes(';')) {
    throw new Error('one Sql holds one statement: send several with BatchExecuteStatement');
  }
  if (/^\s*COPY\s/i.test(masked.code)) return { kind: 'copy', command: parseCopy(sql) };
  const refused = REFUSED.find((refusal) => refusal.pattern.test(masked.code));
  if (refused) throw new Error(refused.message);

  const createdName = CREATE_TABLE.exec(masked.code)?.[1];
  const design: TableDesign = {
    table: createdName ? qualifiedTableName(masked, createdName) : '',
    distStyle: null,
    distKey: null,
    sortKey: [],
  };
  const applied: string[] = [];
  let code = masked.code;
  for (const rewrite of REWRITES) {
    code = code.replace(rewrite.pattern, (...args: unknown[]) => {
      applied.push(rewrite.redshift);
      // replace() passes the match, its groups, then the offset and the input: keep the groups.
      const groups = args.slice(1, -2).map((group) => (typeof group === 'string' ? group : ''));
      return rewrite.replace(design, masked, groups);
    });
  }
  const parameterNames: string[] = [];
  code = code.replace(PARAMETER, (_, name: string) => {
    if (!parameterNames.includes(name)) parameterNames.push(name);
    return `$${parameterNames.indexOf(name) + 1}`;
  });
  const droppedList = DROP_TABLE.exec(masked.code)?.[1];
  return {
    kind: 'sql',
    text: masked.restore(code),
    parameterNames,
    rewrites: [...new Set(applied)],
    created: createdName ? design : null,
    dropped: droppedList ? droppedList.split(',').map((name) => qualifiedTableName(masked, name)) : [],
  };
}
