/**
 * An analyst's statement run live on a destination: read-only (the plug-ins open a READ ONLY
 * transaction, so the engine refuses writes whatever the text says), at most `maxRows` + 1 rows
 * fetched (the extra one tells the caller there were more), cancelled in the engine after
 * `timeoutMs`. Plug-ins that can cancel their own statements do (DuckDB interrupts the connection,
 * PostgreSQL sets statement_timeout); the rest are raced against the clock.
 */

export interface LiveQueryLimits {
  readonly maxRows: number;
  readonly timeoutMs: number;
}

/**
 * Values bound to the statement's placeholders, in order (`?` or `$1…` as the warehouse's driver
 * takes them): a value never becomes SQL text, whatever quotes it holds.
 */
export type LiveQueryParams = readonly (string | number)[];

export interface LiveQueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  /** The statement had more rows than maxRows. */
  readonly truncated: boolean;
}

/** The statement ran past its timeout and was cancelled. */
export class LiveQueryTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the statement ran longer than ${timeoutMs} ms and was cancelled`);
    this.name = 'LiveQueryTimeout';
  }
}

/** The analyst's statement as a subquery under a LIMIT, so the engine stops at maxRows + 1. */
export function limitedStatement(sql: string, maxRows: number): string {
  const statement = sql.trim().replace(/;\s*$/, '');
  return `SELECT * FROM (\n${statement}\n) AS analyst_query LIMIT ${maxRows + 1}`;
}

/** Cuts the fetched rows to maxRows; the columns are the first row's, or those the engine named. */
export function limitedResult(rows: Record<string, unknown>[], maxRows: number, columns?: string[]): LiveQueryResult {
  return {
    columns: columns ?? Object.keys(rows[0] ?? {}),
    rows: rows.slice(0, maxRows),
    truncated: rows.length > maxRows,
  };
}

/** For a plug-in that cannot cancel its statements: its ordinary read-only query, raced against the clock. */
export async function racedLiveQuery(
  query: (sql: string, params: LiveQueryParams) => Promise<Record<string, unknown>[]>,
  sql: string,
  { maxRows, timeoutMs }: LiveQueryLimits,
  params: LiveQueryParams = [],
): Promise<LiveQueryResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LiveQueryTimeout(timeoutMs)), timeoutMs);
  });
  try {
    return limitedResult(await Promise.race([query(limitedStatement(sql, maxRows), params), timeout]), maxRows);
  } finally {
    clearTimeout(timer);
  }
}

/** The warehouse's own live query, or its read-only query raced against the clock. */
export function runLiveQuery(
  warehouse: {
    liveQuery?(sql: string, limits: LiveQueryLimits, params: LiveQueryParams): Promise<LiveQueryResult>;
    query(sql: string, params: LiveQueryParams): Promise<Record<string, unknown>[]>;
  },
  sql: string,
  limits: LiveQueryLimits,
  params: LiveQueryParams = [],
): Promise<LiveQueryResult> {
  return warehouse.liveQuery
    ? warehouse.liveQuery(sql, limits, params)
    : racedLiveQuery((limited, bound) => warehouse.query(limited, bound), sql, limits, params);
}
