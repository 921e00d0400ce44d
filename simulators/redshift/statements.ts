/**
 * Statements as the Data API keeps them: a submission (one statement, or a batch of them) with the
 * status, error and result of each, and what PostgreSQL really ran, for DescribeStatement and tests.
 */
import { randomUUID } from 'node:crypto';
import type { Translation } from './dialect';
import type { ResultSet } from './results';

export type StatementStatus = 'SUBMITTED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

/** What a test sees of one SQL statement (a single statement, or one of a batch). */
export interface RecordedStatement {
  readonly id: string;
  /** The batch it belongs to; null for ExecuteStatement. */
  readonly batchId: string | null;
  readonly sql: string;
  /** The SQL PostgreSQL ran after the dialect rewrites; null for COPY, which the simulator runs itself. */
  readonly executedSql: string | null;
  /** Redshift forms that were rewritten (see dialect.ts), or `COPY FROM S3`. */
  readonly rewrites: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly status: StatementStatus;
  readonly error: string | null;
  readonly resultRows: number;
}

export class SqlStatement {
  status: StatementStatus = 'SUBMITTED';
  error: string | null = null;
  resultRows = -1;
  resultSet: ResultSet | null = null;
  translation: Translation | null = null;
  startedAt: number | null = null;
  updatedAt = new Date();

  constructor(
    readonly id: string,
    readonly sql: string,
    readonly createdAt: Date,
  ) {}

  durationNs(): number {
    return this.startedAt === null ? 0 : Math.max(0, this.updatedAt.getTime() - this.startedAt) * 1e6;
  }
}

export interface SubmissionTarget {
  Database: string;
  WorkgroupName?: string;
  ClusterIdentifier?: string;
  DbUser?: string;
  SecretArn?: string;
}

export class Submitted {
  status: StatementStatus = 'SUBMITTED';
  error: string | null = null;
  backendPid: number | null = null;
  aborted = false;
  readonly createdAt = new Date();
  updatedAt = this.createdAt;
  readonly statements: SqlStatement[];

  constructor(
    readonly id: string,
    readonly kind: 'single' | 'batch',
    sqls: readonly string[],
    readonly parameters: ReadonlyMap<string, string>,
    readonly target: SubmissionTarget,
    /** Batches: all statements in one transaction, or each committed alone (AUTO_COMMIT). */
    readonly oneTransaction: boolean,
  ) {
    this.statements =
      kind === 'single'
        ? [new SqlStatement(id, sqls[0] ?? '', this.createdAt)]
        : sqls.map((sql, i) => new SqlStatement(`${id}:${i + 1}`, sql, this.createdAt));
  }
}

export function recordOf(submitted: Submitted, statement: SqlStatement): RecordedStatement {
  const { translation } = statement;
  return {
    id: statement.id,
    batchId: submitted.kind === 'batch' ? submitted.id : null,
    sql: statement.sql,
    executedSql: translation?.kind === 'sql' ? translation.text : null,
    rewrites: translation?.kind === 'sql' ? translation.rewrites : translation?.kind === 'copy' ? ['COPY FROM S3'] : [],
    parameters: Object.fromEntries(submitted.parameters),
    status: statement.status,
    error: statement.error,
    resultRows: statement.resultRows,
  };
}

export const newStatementId = (): string => randomUUID();
