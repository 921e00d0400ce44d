/**
 * SQL with its string literals, quoted identifiers and comments set aside, so that rewrites and
 * parameter substitution only ever touch SQL code, never text inside quotes.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

export interface MaskedSql {
  /** The SQL with each quoted part replaced by a placeholder token. */
  readonly code: string;
  /** Puts the quoted parts back into (rewritten) code. */
  restore(code: string): string;
  /** A string literal token's text (quotes removed, doubled quotes undone); null for anything else. */
  literal(token: string): string | null;
}

/** Matches one placeholder token, for patterns that accept a quoted identifier or literal. */
export const MASK_TOKEN = `${OPEN}\\d+${CLOSE}`;
/** A bare or quoted identifier in masked code. */
export const IDENTIFIER = `(?:${MASK_TOKEN}|[A-Za-z_][A-Za-z0-9_$]*)`;
/** A possibly schema-qualified name in masked code. */
export const QUALIFIED_NAME = `${IDENTIFIER}(?:\\s*\\.\\s*${IDENTIFIER})*`;

/** Where the quoted part starting at `start` ends (exclusive). */
function quotedEnd(sql: string, start: number): number {
  const opener = sql.charAt(start);
  if (opener === '-') {
    const newline = sql.indexOf('\n', start);
    return newline < 0 ? sql.length : newline;
  }
  if (opener === '/') {
    const end = sql.indexOf('*/', start + 2);
    return end < 0 ? sql.length : end + 2;
  }
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === opener) {
      if (sql[i + 1] === opener) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

function opensQuotedPart(sql: string, i: number): boolean {
  const c = sql[i];
  return c === "'" || c === '"' || (c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*');
}

export function maskSql(sql: string): MaskedSql {
  const parts: string[] = [];
  let code = '';
  let i = 0;
  while (i < sql.length) {
    if (opensQuotedPart(sql, i)) {
      const end = quotedEnd(sql, i);
      code += `${OPEN}${parts.length}${CLOSE}`;
      parts.push(sql.slice(i, end));
      i = end;
    } else {
      code += sql[i];
      i += 1;
    }
  }
  const partOf = (token: string): string | undefined => parts[Number(new RegExp(TOKEN.source).exec(token)?.[1])];
  return {
    code,
    restore: (rewritten) => rewritten.replace(TOKEN, (_, index: string) => parts[Number(index)] ?? ''),
    literal(token) {
      const part = partOf(token);
      return part?.startsWith("'") ? part.slice(1, -1).replaceAll("''", "'") : null;
    },
  };
}

/** An identifier as written (bare or a quoted token) → its name: quoted kept as is, bare lower-cased. */
export function identifierName(masked: MaskedSql, written: string): string {
  const restored = masked.restore(written.trim());
  return restored.startsWith('"') ? restored.slice(1, -1).replaceAll('""', '"') : restored.toLowerCase();
}

/** A qualified name as written → `schema.table` as Redshift folds it. */
export function qualifiedTableName(masked: MaskedSql, written: string): string {
  return written
    .split('.')
    .map((part) => identifierName(masked, part))
    .join('.');
}
