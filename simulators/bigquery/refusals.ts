/**
 * SQL that DuckDB would run but BigQuery refuses, refused here too with BigQuery's error, so a
 * query that passes the simulator is GoogleSQL: type names GoogleSQL lacks in CAST (VARCHAR, DOUBLE
 * PRECISION…), POSITION(… IN …) (GoogleSQL has STRPOS), a set operation without ALL or DISTINCT,
 * a WITH clause naming its columns, and an interval with its unit inside the string (INTERVAL '1 day').
 */
import { BigQueryRequestError } from './errors';
import { isSymbol, isWord } from './lexer';
import { asToken, eachCall, matchingParenthesis, nextSolid, type Piece } from './pieces';

/** Type names of other dialects that GoogleSQL does not know (it knows INT, BIGINT, DECIMAL… as aliases). */
const FOREIGN_TYPES = new Set(['VARCHAR', 'CHAR', 'TEXT', 'DOUBLE', 'REAL', 'FLOAT', 'FLOAT4', 'FLOAT8', 'INT4', 'INT8', 'SERIAL']);

const wordOf = (piece: Piece | undefined): string => {
  const token = asToken(piece);
  return token?.kind === 'word' ? token.text.toUpperCase() : '';
};

/** CAST(x AS VARCHAR), SAFE_CAST(x AS DOUBLE PRECISION): "Type not found". */
export function refuseForeignCastTypes(pieces: readonly Piece[]): void {
  eachCall(pieces, ['CAST', 'SAFE_CAST'], (_at, open) => {
    const close = matchingParenthesis(pieces, open);
    let depth = 0;
    let typeAt = -1;
    for (let i = open + 1; i < close; i += 1) {
      const token = asToken(pieces[i]);
      if (isSymbol(token, '(')) depth += 1;
      if (isSymbol(token, ')')) depth -= 1;
      if (depth === 0 && isWord(token, 'AS')) typeAt = nextSolid(pieces, i + 1);
    }
    const type = wordOf(pieces[typeAt]);
    if (FOREIGN_TYPES.has(type)) throw BigQueryRequestError.invalidQuery(`Type not found: ${type}`);
  });
}

/** POSITION(x IN y): GoogleSQL has no such function. */
export function refusePosition(pieces: readonly Piece[]): void {
  eachCall(pieces, 'POSITION', () => {
    throw BigQueryRequestError.invalidQuery('Function not found: POSITION');
  });
}

/** The parts an interval literal names after its value: INTERVAL 1 DAY, INTERVAL '1:30' HOUR TO MINUTE. */
const DATE_PARTS = new Set(['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']);

/** INTERVAL '1 day' (PostgreSQL's and DuckDB's form): GoogleSQL wants the date part after the value. */
export function refuseIntervalsWithoutPart(pieces: readonly Piece[]): void {
  pieces.forEach((piece, index) => {
    if (wordOf(piece) !== 'INTERVAL') return;
    const value = asToken(pieces[nextSolid(pieces, index + 1)]);
    if (value?.kind !== 'string' && value?.kind !== 'number') return;
    const part = wordOf(pieces[nextSolid(pieces, nextSolid(pieces, index + 1) + 1)]);
    if (!DATE_PARTS.has(part)) {
      throw BigQueryRequestError.invalidQuery(
        `Syntax error: Expected a date part (DAY, HOUR…) after INTERVAL's value but got ${part ? `keyword ${part}` : 'something else'}`,
      );
    }
  });
}

/** UNION, INTERSECT and EXCEPT say ALL or DISTINCT in GoogleSQL (SELECT * EXCEPT (…) is rewritten before this runs). */
export function refuseBareSetOperations(pieces: readonly Piece[]): void {
  pieces.forEach((piece, index) => {
    const operation = wordOf(piece);
    if (!['UNION', 'INTERSECT', 'EXCEPT'].includes(operation)) return;
    const next = wordOf(pieces[nextSolid(pieces, index + 1)]);
    if (next !== 'ALL' && next !== 'DISTINCT') {
      throw BigQueryRequestError.invalidQuery(
        `Syntax error: Expected keyword ALL or keyword DISTINCT but got ${next ? `keyword ${next}` : 'something else'} after ${operation}`,
      );
    }
  });
}

/** `WITH name (a, b) AS (…)`: GoogleSQL names a CTE's columns in its query only. */
export function refuseCteColumnLists(pieces: readonly Piece[]): void {
  pieces.forEach((piece, index) => {
    const token = asToken(piece);
    if (token?.kind !== 'word' && token?.kind !== 'identifier') return;
    const open = nextSolid(pieces, index + 1);
    if (!isSymbol(asToken(pieces[open]), '(')) return;
    const close = matchingParenthesis(pieces, open);
    const as = nextSolid(pieces, close + 1);
    if (isWord(asToken(pieces[as]), 'AS') && isSymbol(asToken(pieces[nextSolid(pieces, as + 1)]), '(')) {
      throw BigQueryRequestError.invalidQuery(
        'Syntax error: Expected keyword AS but got "(" (a WITH clause names its columns in its query)',
      );
    }
  });
}
