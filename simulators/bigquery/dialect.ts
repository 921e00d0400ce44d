/**
 * GoogleSQL → DuckDB, narrowly: the REWRITES table below is the whole translation. Whatever it does
 * not list reaches DuckDB as written, so SQL that only BigQuery accepts fails here too instead of
 * being quietly reinterpreted.
 */
import { quoteIdentifier, quoteLiteral } from '../../activities/warehouses/sql';
import { BigQueryRequestError } from './errors';
import { declareTable, typeQueryByColumnList, type TableDeclaration } from './ddl';
import { isSymbol, isWord, keywords, splitStatements, tokenize, type Token } from './lexer';
import type { BoundParameter, ParameterSet } from './parameters';
import { asToken, eachCall, matchingParenthesis, neighboursOf, nextSolid, sql, type Neighbours, type Piece } from './pieces';
import {
  refuseBareSetOperations,
  refuseCteColumnLists,
  refuseForeignCastTypes,
  refuseIntervalsWithoutPart,
  refusePosition,
} from './refusals';

export type TransactionControl = 'begin' | 'commit' | 'rollback';

export interface TranslatedStatement {
  googleSql: string;
  duckdb: string;
  bindings: BoundParameter[];
  declaration: TableDeclaration | null;
  control: TransactionControl | null;
}

/** A statement while it is rewritten: its tokens become DuckDB text (`sql` pieces) rule by rule. */
interface Statement {
  pieces: Piece[];
  bindings: BoundParameter[];
  declaration: TableDeclaration | null;
  readonly parameters: ParameterSet;
}

interface Rewrite {
  googleSql: string;
  duckdb: string;
  apply(statement: Statement): void;
}

/** Replaces each piece by what `replace` returns for it; null keeps the piece. */
function eachPiece(statement: Statement, replace: (piece: Piece, index: number) => Piece[] | null): void {
  statement.pieces = statement.pieces.flatMap((piece, index) => replace(piece, index) ?? [piece]);
}

/** A statement that begins with `verb` gets the `keyword` GoogleSQL lets it leave out and DuckDB requires after it. */
function addOptionalKeyword(statement: Statement, verb: string, keyword: string): void {
  const first = nextSolid(statement.pieces, 0);
  if (!isWord(asToken(statement.pieces[first]), verb)) return;
  const second = nextSolid(statement.pieces, first + 1);
  if (!isWord(asToken(statement.pieces[second]), keyword)) statement.pieces.splice(first + 1, 0, sql(` ${keyword}`));
}

/** Replaces the word `word` by `replacement` wherever its neighbours fit (everywhere by default). */
function replaceWord(word: string, replacement: string, fits: (around: Neighbours) => boolean = () => true): Rewrite['apply'] {
  return (statement) =>
    eachPiece(statement, (piece, index) =>
      isWord(asToken(piece), word) && fits(neighboursOf(statement.pieces, index)) ? [sql(replacement)] : null,
    );
}

/** Type names of GoogleSQL DDL and CAST → DuckDB. INT64 and its aliases are 64-bit (DuckDB INTEGER is 32). */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  SMALLINT: 'BIGINT',
  TINYINT: 'BIGINT',
  BYTEINT: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATETIME: 'TIMESTAMP',
  NUMERIC: 'DECIMAL(38, 9)',
  BIGNUMERIC: 'DECIMAL(38, 9)',
  BYTES: 'BLOB',
};

export const REWRITES: readonly Rewrite[] = [
  {
    googleSql: 'CREATE TABLE … PARTITION BY DATE(col) CLUSTER BY a, b OPTIONS(…)',
    duckdb: 'CREATE TABLE … (the clauses are recorded as table metadata and dropped)',
    apply(statement) {
      statement.declaration = declareTable(statement.pieces);
    },
  },
  {
    googleSql: 'CREATE TABLE t (a T, …) AS query',
    duckdb: 'CREATE TABLE t AS SELECT CAST(a AS T) AS a, … FROM (query) AS ih_typed(a, …)',
    apply(statement) {
      const columnList = typeQueryByColumnList(statement.pieces);
      if (columnList && statement.declaration) statement.declaration.columnList = columnList;
    },
  },
  {
    googleSql: 'MERGE dataset.table …',
    duckdb: 'MERGE INTO dataset.table …',
    apply: (statement) => addOptionalKeyword(statement, 'MERGE', 'INTO'),
  },
  {
    googleSql: 'WHEN NOT MATCHED THEN INSERT ROW',
    duckdb: 'WHEN NOT MATCHED THEN INSERT *',
    apply: replaceWord('ROW', '*', ({ before }) => isWord(before, 'INSERT')),
  },
  {
    googleSql: 'DELETE dataset.table WHERE …',
    duckdb: 'DELETE FROM dataset.table WHERE …',
    apply: (statement) => addOptionalKeyword(statement, 'DELETE', 'FROM'),
  },
  {
    googleSql: 'SELECT * EXCEPT (a, b)',
    duckdb: 'SELECT * EXCLUDE (a, b)',
    apply: replaceWord('EXCEPT', 'EXCLUDE', ({ before, after }) => isSymbol(before, '*') && isSymbol(after, '(')),
  },
  {
    googleSql: "CAST(x AS VARCHAR), POSITION(x IN y), a bare UNION, WITH name (a, b) AS (…), INTERVAL '1 day'",
    duckdb: '(refused as BigQuery refuses them: refusals.ts)',
    apply({ pieces }) {
      const refusals = [refuseForeignCastTypes, refusePosition, refuseBareSetOperations, refuseCteColumnLists, refuseIntervalsWithoutPart];
      for (const refuse of refusals) refuse(pieces);
    },
  },
  {
    googleSql: 'CURRENT_TIMESTAMP()',
    duckdb: 'current_timestamp',
    apply({ pieces }) {
      eachCall(pieces, 'CURRENT_TIMESTAMP', (at, open) => {
        const close = nextSolid(pieces, open + 1);
        if (isSymbol(asToken(pieces[close]), ')')) pieces.splice(at, close - at + 1, sql('current_timestamp'));
      });
    },
  },
  {
    googleSql: "JSON_VALUE(json, '$.path') (the scalar as unquoted text)",
    duckdb: "(json_value(json, '$.path') ->> '$') (DuckDB's json_value keeps a string's quotes)",
    apply({ pieces }) {
      eachCall(pieces, 'JSON_VALUE', (at, open) => {
        pieces.splice(matchingParenthesis(pieces, open) + 1, 0, sql(" ->> '$')"));
        pieces.splice(at, 1, sql('(json_value'));
      });
    },
  },
  {
    googleSql: 'SAFE_CAST(x AS T)',
    duckdb: 'TRY_CAST(x AS T)',
    apply: replaceWord('SAFE_CAST', 'TRY_CAST'),
  },
  {
    googleSql: 'ARRAY<T>',
    duckdb: 'T[]',
    apply: rewriteArrayTypes,
  },
  {
    googleSql: 'STRING, INT64 (and INT, INTEGER…), FLOAT64, BOOL, TIMESTAMP, DATETIME, NUMERIC, BYTES',
    duckdb: 'VARCHAR, BIGINT, DOUBLE, BOOLEAN, TIMESTAMPTZ, TIMESTAMP, DECIMAL(38, 9), BLOB',
    apply(statement) {
      eachPiece(statement, (piece, index) => {
        const token = asToken(piece);
        if (token?.kind !== 'word') return null;
        const duckdbType = TYPE_NAMES[token.text.toUpperCase()];
        const { before, after } = neighboursOf(statement.pieces, index);
        // TIMESTAMP(…) and NUMERIC(…) are functions or parameterised types; a.b names are not types.
        const isTypeName = !isSymbol(after, '(') && !isSymbol(after, '.') && !isSymbol(before, '.');
        return duckdbType && isTypeName ? [sql(duckdbType)] : null;
      });
    },
  },
  {
    googleSql: '@name and ?',
    duckdb: 'CAST(? AS <the parameter type>), bound in order',
    apply(statement) {
      eachPiece(statement, (piece) => {
        if (piece.kind !== 'parameter') return null;
        const bound = statement.parameters.take(piece.name);
        statement.bindings.push(bound);
        return [sql(`CAST(? AS ${bound.duckdbType})`)];
      });
    },
  },
  {
    googleSql: '`project.dataset.table` and `name`',
    duckdb: '"project"."dataset"."table" and "name" (a project is a DuckDB catalog, a dataset a schema)',
    apply(statement) {
      eachPiece(statement, (piece) => (piece.kind === 'identifier' ? [sql(piece.parts.map(quoteIdentifier).join('.'))] : null));
    },
  },
  {
    googleSql: "'text', \"text\", r'raw', '''long''' (backslash escapes)",
    duckdb: "'text' (quotes doubled)",
    apply(statement) {
      eachPiece(statement, (piece) => (piece.kind === 'string' ? [sql(quoteLiteral(piece.value))] : null));
    },
  },
  {
    googleSql: '@@row_count and other system variables',
    duckdb: '(not supported: the request fails)',
    apply(statement) {
      const variable = statement.pieces.find((piece) => piece.kind === 'system-variable');
      if (variable?.kind === 'system-variable') {
        throw BigQueryRequestError.invalidQuery(`System variable @@${variable.name} is not supported by the simulator`);
      }
    },
  },
];

function rewriteArrayTypes(statement: Statement): void {
  const { pieces } = statement;
  for (let i = 0; i < pieces.length; i += 1) {
    if (!isWord(asToken(pieces[i]), 'ARRAY')) continue;
    const open = nextSolid(pieces, i + 1);
    if (!isSymbol(asToken(pieces[open]), '<')) continue;
    const close = pieces.findIndex((piece, index) => index > open && isSymbol(asToken(piece), '>'));
    if (close === -1) throw BigQueryRequestError.invalidQuery('Syntax error: ARRAY< without >');
    const element = pieces.slice(open + 1, close);
    pieces.splice(i, close - i + 1, ...element, sql('[]'));
  }
}

function render(pieces: readonly Piece[]): string {
  return pieces
    .map((piece) => {
      switch (piece.kind) {
        case 'sql':
        case 'space':
        case 'word':
        case 'number':
        case 'symbol':
          return piece.text;
        default:
          throw new Error(`the rewrite table left a ${piece.kind} token untranslated`);
      }
    })
    .join('')
    .trim();
}

function controlOf(tokens: readonly Token[]): TransactionControl | null {
  const [first, second] = keywords(tokens);
  if (first === 'BEGIN' && (second === 'TRANSACTION' || second === undefined)) return 'begin';
  if (first === 'COMMIT') return 'commit';
  if (first === 'ROLLBACK') return 'rollback';
  return null;
}

function sourceText(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      switch (token.kind) {
        case 'identifier':
          return `\`${token.parts.join('.')}\``;
        case 'string':
          return quoteLiteral(token.value);
        case 'parameter':
          return token.name === null ? '?' : `@${token.name}`;
        case 'system-variable':
          return `@@${token.name}`;
        default:
          return token.text;
      }
    })
    .join('')
    .trim();
}

/** Translates a query or script, statement by statement, binding its parameters in order. */
export function translateScript(googleSql: string, parameters: ParameterSet): TranslatedStatement[] {
  return splitStatements(tokenize(googleSql)).map((tokens) => {
    const statement: Statement = { pieces: [...tokens], bindings: [], declaration: null, parameters };
    for (const rewrite of REWRITES) rewrite.apply(statement);
    return {
      googleSql: sourceText(tokens),
      duckdb: render(statement.pieces),
      bindings: statement.bindings,
      declaration: statement.declaration,
      control: controlOf(tokens),
    };
  });
}
