/**
 * Running a submission in the background, as the Data API does: a batch in one transaction
 * (Redshift's default) or each statement committed alone (AUTO_COMMIT); a single statement commits
 * on its own. COPY is executed by copy.ts, everything else by PostgreSQL after the dialect rewrites.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient } from 'pg';
import type { ObjectStore } from '../s3/store';
import { CopyError, runCopy, type LoadErrorDetail } from './copy';
import { translate, type TableDesign } from './dialect';
import type { PostgresEngine, StatementOutcome } from './engine';
import type { SqlStatement, StatementStatus, Submitted } from './statements';

export interface RunnerContext {
  engine: PostgresEngine;
  s3: ObjectStore | null;
  /** The database name clients must ask for. */
  database: string;
  delayMs: number;
  designs: Map<string, TableDesign>;
  loadErrors: LoadErrorDetail[];
}

/** PostgreSQL's message in Redshift's form: `ERROR: …`. */
function errorText(error: unknown): string {
  if (error instanceof CopyError) return error.message;
  return `ERROR: ${error instanceof Error ? error.message : String(error)}`;
}

async function runOne(
  client: PoolClient,
  statement: SqlStatement,
  parameters: ReadonlyMap<string, string>,
  context: RunnerContext,
): Promise<StatementOutcome> {
  const translation = translate(statement.sql);
  statement.translation = translation;
  if (translation.kind === 'copy') {
    const loaded = await runCopy(client, translation.command, context.s3, (detail) => context.loadErrors.push(detail));
    return { resultRows: loaded, resultSet: null };
  }
  const values = translation.parameterNames.map((name) => parameters.get(name) ?? '');
  return context.engine.run(client, translation.text, values);
}

/** Physical designs take effect once their CREATE TABLE (or DROP TABLE) has committed. */
function recordDesigns(statements: readonly SqlStatement[], designs: Map<string, TableDesign>): void {
  for (const { translation } of statements) {
    if (translation?.kind !== 'sql') continue;
    const { created } = translation;
    if (created && !designs.has(created.table)) designs.set(created.table, created);
    for (const table of translation.dropped) designs.delete(table);
  }
}

async function inTransaction(client: PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs a submission's statements on one session. A statement is FINISHED only once its work has
 * committed, so a client that saw FINISHED always sees the data in its next statement.
 */
export async function runSubmitted(submitted: Submitted, context: RunnerContext): Promise<void> {
  // Let the caller receive its Id before anything runs, as the service answers before it executes.
  await sleep(0);
  submitted.status = 'STARTED';
  if (context.delayMs > 0) await sleep(context.delayMs);
  if (submitted.aborted) return;
  const touch = (statement: SqlStatement, status: StatementStatus): void => {
    statement.status = status;
    statement.updatedAt = submitted.updatedAt = new Date();
  };
  const execute = async (client: PoolClient, statement: SqlStatement): Promise<void> => {
    touch(statement, 'STARTED');
    statement.startedAt = Date.now();
    if (submitted.aborted) throw new Error("Query cancelled on user's request");
    if (submitted.target.Database !== context.database) {
      throw new Error(`database "${submitted.target.Database}" does not exist`);
    }
    const outcome = await runOne(client, statement, submitted.parameters, context);
    statement.resultRows = outcome.resultRows;
    statement.resultSet = outcome.resultSet;
  };
  const committed = (statements: readonly SqlStatement[]): void => {
    recordDesigns(statements, context.designs);
    for (const statement of statements) touch(statement, 'FINISHED');
  };
  const failed = (statement: SqlStatement, error: unknown): void => {
    statement.error = errorText(error);
    touch(statement, submitted.aborted ? 'ABORTED' : 'FAILED');
  };

  await context.engine
    .withSession(async (client, pid) => {
      submitted.backendPid = pid;
      if (submitted.oneTransaction) {
        let current: SqlStatement | undefined;
        try {
          await inTransaction(client, async () => {
            for (current of submitted.statements) await execute(client, current);
          });
        } catch (error) {
          // A rolled-back batch keeps none of its work: the statements around the failure are aborted.
          for (const statement of submitted.statements) {
            if (statement === current) failed(statement, error);
            else touch(statement, 'ABORTED');
          }
          throw error;
        }
        committed(submitted.statements);
        return;
      }
      for (const statement of submitted.statements) {
        await inTransaction(client, () => execute(client, statement)).then(
          () => committed([statement]),
          (error: unknown) => failed(statement, error),
        );
      }
    })
    .catch((error: unknown) => {
      submitted.error ??= errorText(error);
    });
  submitted.error ??= submitted.statements.find((statement) => statement.error)?.error ?? null;
  submitted.status = submitted.aborted ? 'ABORTED' : submitted.error ? 'FAILED' : 'FINISHED';
  submitted.updatedAt = new Date();
}
