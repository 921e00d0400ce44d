/** The Data API operations over the statement registry: what each answers, as the SDK reads it. */
import { referencedParameters } from './dialect';
import {
  ApiError,
  batchExecuteStatementInput,
  checkSubmission,
  executeStatementInput,
  getStatementResultInput,
  parseInput,
  statementIdInput,
  validation,
  type Submission,
} from './protocol';
import { runSubmitted, type RunnerContext } from './runner';
import { newStatementId, recordOf, Submitted, type RecordedStatement, type SqlStatement } from './statements';

const epochSeconds = (date: Date): number => date.getTime() / 1000;

const notFound = (): ApiError => new ApiError(400, 'ResourceNotFoundException', 'Query does not exist.');

/** Every parameter given must be used by some statement, and every one used must be given. */
function parameterMap(input: Submission, sqls: readonly string[]): Map<string, string> {
  const provided = new Map<string, string>();
  for (const { name, value } of input.Parameters ?? []) {
    if (provided.has(name)) throw validation(`Parameters: ${name} is given twice`);
    provided.set(name, value);
  }
  const referenced = new Set(sqls.flatMap((sql) => [...referencedParameters(sql)]));
  for (const name of referenced) {
    if (!provided.has(name)) throw validation(`Parameters: the SQL references :${name}, which has no value`);
  }
  for (const name of provided.keys()) {
    if (!referenced.has(name)) throw validation(`Parameters: ${name} is not referenced by any statement`);
  }
  return provided;
}

function describeSql(statement: SqlStatement): Record<string, unknown> {
  return {
    Id: statement.id,
    Status: statement.status,
    ...(statement.error ? { Error: statement.error } : {}),
    HasResultSet: statement.resultSet !== null,
    ResultRows: statement.resultRows,
    ResultSize: statement.resultSet ? Buffer.byteLength(JSON.stringify(statement.resultSet.records)) : 0,
    Duration: statement.durationNs(),
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(statement.updatedAt),
    QueryString: statement.sql,
  };
}

export class RedshiftDataService {
  private readonly submissions = new Map<string, Submitted>();
  private readonly byClientToken = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly context: RunnerContext,
    /** Records per GetStatementResult page. */
    private readonly pageSize: number,
  ) {}

  executeStatement(body: unknown): Record<string, unknown> {
    const input = parseInput(executeStatementInput, body);
    return this.submit(input, 'single', [input.Sql], true);
  }

  batchExecuteStatement(body: unknown): Record<string, unknown> {
    const input = parseInput(batchExecuteStatementInput, body);
    return this.submit(input, 'batch', input.Sqls, (input.ExecutionMode ?? 'TRANSACTION') === 'TRANSACTION');
  }

  describeStatement(body: unknown): Record<string, unknown> {
    const { Id } = parseInput(statementIdInput, body);
    const { submitted, statement } = this.find(Id);
    const { target } = submitted;
    const common = { ...target, RedshiftPid: submitted.backendPid ?? undefined };
    if (statement) return { ...describeSql(statement), ...common };
    const statements = submitted.statements;
    return {
      ...common,
      Id: submitted.id,
      Status: submitted.status,
      ...(submitted.error ? { Error: submitted.error } : {}),
      HasResultSet: statements.some((s) => s.resultSet !== null),
      ResultRows: -1,
      ResultSize: 0,
      Duration: statements.reduce((total, s) => total + s.durationNs(), 0),
      CreatedAt: epochSeconds(submitted.createdAt),
      UpdatedAt: epochSeconds(submitted.updatedAt),
      QueryString: statements.map((s) => s.sql).join('; '),
      SubStatements: statements.map(describeSql),
    };
  }

  getStatementResult(body: unknown): Record<string, unknown> {
    const { Id, NextToken } = parseInput(getStatementResultInput, body);
    const { statement } = this.find(Id);
    if (!statement) throw validation(`Id: ${Id} is a batch; ask for one of its statements, e.g. ${Id}:1`);
    const resultSet = statement.status === 'FINISHED' ? statement.resultSet : null;
    if (!resultSet) {
      const message = 'Query does not have result. Please check query status with DescribeStatement.';
      throw new ApiError(400, 'ResourceNotFoundException', message);
    }
    const offset = NextToken === undefined ? 0 : Number(Buffer.from(NextToken, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0 || offset > resultSet.records.length) {
      throw validation('NextToken: is not a token this statement issued');
    }
    const end = offset + this.pageSize;
    return {
      Records: resultSet.records.slice(offset, end),
      ...(offset === 0 ? { ColumnMetadata: resultSet.columns } : {}),
      TotalNumRows: resultSet.records.length,
      ...(end < resultSet.records.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
    };
  }

  async cancelStatement(body: unknown): Promise<Record<string, unknown>> {
    const { Id } = parseInput(statementIdInput, body);
    const { submitted } = this.find(Id);
    if (submitted.status !== 'SUBMITTED' && submitted.status !== 'STARTED') {
      throw validation(`Could not cancel a query that is already in ${submitted.status} state with ID: ${Id}`);
    }
    submitted.aborted = true;
    submitted.status = 'ABORTED';
    for (const statement of submitted.statements) {
      if (statement.status === 'SUBMITTED' || statement.status === 'STARTED') statement.status = 'ABORTED';
    }
    if (submitted.backendPid !== null) await this.context.engine.cancel(submitted.backendPid);
    return { Status: true };
  }

  statements(): RecordedStatement[] {
    return [...this.submissions.values()].flatMap((submitted) => submitted.statements.map((statement) => recordOf(submitted, statement)));
  }

  /** Waits for statements still running, so the database can be dropped under none. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.running);
  }

  private submit(input: Submission, kind: 'single' | 'batch', sqls: readonly string[], oneTransaction: boolean): Record<string, unknown> {
    checkSubmission(input);
    const parameters = parameterMap(input, sqls);
    const earlier = input.ClientToken ? this.byClientToken.get(input.ClientToken) : undefined;
    const repeated = earlier ? this.submissions.get(earlier) : undefined;
    const target = {
      Database: input.Database ?? '',
      WorkgroupName: input.WorkgroupName,
      ClusterIdentifier: input.ClusterIdentifier,
      DbUser: input.DbUser,
      SecretArn: input.SecretArn,
    };
    // A retried request (same ClientToken) gets the statement it already started, not a second run.
    const submitted = repeated ?? new Submitted(newStatementId(), kind, sqls, parameters, target, oneTransaction);
    if (!repeated) {
      this.submissions.set(submitted.id, submitted);
      if (input.ClientToken) this.byClientToken.set(input.ClientToken, submitted.id);
      const run = runSubmitted(submitted, this.context);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
    return { Id: submitted.id, CreatedAt: epochSeconds(submitted.createdAt), ...target };
  }

  private find(id: string): { submitted: Submitted; statement: SqlStatement | null } {
    const [parentId = '', position] = id.split(':');
    const submitted = this.submissions.get(parentId);
    if (!submitted) throw notFound();
    if (position === undefined) {
      return { submitted, statement: submitted.kind === 'single' ? (submitted.statements[0] ?? null) : null };
    }
    const statement = submitted.kind === 'batch' ? submitted.statements[Number(position) - 1] : undefined;
    if (!statement) throw notFound();
    return { submitted, statement };
  }
}
