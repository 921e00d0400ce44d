/**
 * SQL failures as Snowflake reports them: an error code and an SQLSTATE the driver hands to the
 * caller (OperationFailedError.code / .sqlState). DuckDB's error classes map onto Snowflake's.
 */

export class SqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

interface ErrorMapping {
  readonly duckdb: RegExp;
  readonly code: string;
  readonly sqlState: string;
  readonly prefix: string;
}

/** By DuckDB's error class (the text before "Error:"); the first match wins. */
const MAPPINGS: readonly ErrorMapping[] = [
  { duckdb: /^Parser Error/, code: '001003', sqlState: '42000', prefix: 'SQL compilation error' },
  { duckdb: /^Catalog Error: .* does not exist/, code: '002003', sqlState: '42S02', prefix: 'SQL compilation error' },
  { duckdb: /^Binder Error/, code: '000904', sqlState: '42000', prefix: 'SQL compilation error' },
  { duckdb: /^Catalog Error/, code: '002002', sqlState: '42710', prefix: 'SQL compilation error' },
  { duckdb: /^(Conversion|Invalid Input|Out of Range) Error/, code: '100038', sqlState: '22018', prefix: 'Data error' },
  { duckdb: /^Constraint Error/, code: '100072', sqlState: '22000', prefix: 'Data error' },
  { duckdb: /^TransactionContext Error/, code: '000603', sqlState: '25000', prefix: 'Transaction error' },
];

export function fromDuckDB(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
  // Errors from statement extraction wrap the parser's error: classify the inner one.
  const line = (message.split('\n')[0] ?? message).replace(/^Failed to extract statements: /, '');
  const mapping = MAPPINGS.find((m) => m.duckdb.test(line));
  if (!mapping) return new SqlError('000603', 'XX000', `SQL execution internal error: ${line}`);
  return new SqlError(mapping.code, mapping.sqlState, `${mapping.prefix}: ${line.replace(/^[A-Za-z ]+ Error: /, '')}`);
}

export const compilationError = (message: string): SqlError => new SqlError('001003', '42000', `SQL compilation error: ${message}`);

export const objectMissing = (message: string): SqlError => new SqlError('002003', '02000', `SQL compilation error: ${message}`);
