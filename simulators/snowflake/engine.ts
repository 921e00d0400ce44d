/**
 * The SQL engine behind the simulator: one in-memory DuckDB instance, one attached catalog per
 * Snowflake database, one DuckDB connection per session (so temporary tables and transactions are
 * per session, as in Snowflake). Statements run as Snowflake would run them: DDL commits an open
 * transaction first, an array-bound INSERT runs once per row and all at once, DML reports its counts.
 * One difference is left: a statement failing inside a transaction aborts it (DuckDB) where Snowflake
 * undoes that statement only; a client that rolls back on error, as the plug-in does, cannot tell.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { runCopy } from './copy';
import { SESSION_MACROS, statementKind, translate, type StatementKind } from './dialect';
import { SqlError, fromDuckDB } from './errors';
import { countResult, resultSet, statusResult, type ResultSet } from './results';
import { SessionStages, type UploadInstruction } from './stages';
import { bindRows } from './binds';
import type { Binding } from './wire';

export type StatementOutcome = { kind: Exclude<StatementKind, 'put'>; result: ResultSet } | { kind: 'put'; upload: UploadInstruction };

export interface ClusteringRequest {
  /** The CREATE statement's table, as written. */
  table: string;
  clusterBy: string;
}

export class EngineSession {
  inTransaction = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly connection: DuckDBConnection,
    readonly stages: SessionStages,
    readonly database: string,
  ) {}

  /** Statements of one session run one at a time, in the order they arrived. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export class SnowflakeEngine {
  readonly statements: string[] = [];
  readonly clustering: ClusteringRequest[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly stageRoot: string,
  ) {}

  static async create(stageRoot: string): Promise<SnowflakeEngine> {
    await mkdir(stageRoot, { recursive: true });
    return new SnowflakeEngine(await DuckDBInstance.create(':memory:'), stageRoot);
  }

  /** A session in `database` (created on first use) with `schema` as its current schema when it exists. */
  async openSession(id: string, database: string, schema: string | null): Promise<EngineSession> {
    const connection = await this.instance.connect();
    const catalog = `"${database.replaceAll('"', '""')}"`;
    await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${catalog}`);
    await connection.run(`USE ${catalog}`);
    for (const macro of SESSION_MACROS) await connection.run(macro);
    if (schema) {
      const exists = await connection.runAndReadAll(
        `SELECT 1 FROM information_schema.schemata WHERE catalog_name = $1 AND schema_name = $2`,
        [database, schema],
      );
      if (exists.currentRowCount > 0) await connection.run(`USE ${catalog}."${schema.replaceAll('"', '""')}"`);
    }
    const stages = new SessionStages(path.join(this.stageRoot, encodeURIComponent(id)));
    return new EngineSession(connection, stages, database);
  }

  async closeSession(session: EngineSession): Promise<void> {
    await session.serially(async () => {
      if (session.inTransaction) await session.connection.run('ROLLBACK').catch(() => undefined);
      session.connection.closeSync();
      await session.stages.dropAll();
    });
  }

  execute(session: EngineSession, sqlText: string, bindings: Readonly<Record<string, Binding>> | undefined): Promise<StatementOutcome> {
    this.statements.push(sqlText);
    const run = (): Promise<StatementOutcome> => this.run(session, sqlText, bindings);
    return session.serially(() => run().catch((error: unknown) => Promise.reject(fromDuckDB(error))));
  }

  async close(): Promise<void> {
    this.instance.closeSync();
    await rm(this.stageRoot, { recursive: true, force: true });
  }

  private async run(
    session: EngineSession,
    sqlText: string,
    bindings: Readonly<Record<string, Binding>> | undefined,
  ): Promise<StatementOutcome> {
    const kind = statementKind(sqlText);
    switch (kind) {
      case 'put':
        return { kind, upload: session.stages.put(sqlText) };
      case 'copy':
        return { kind, result: await runCopy(session.connection, await session.stages.copyRequest(sqlText)) };
      case 'transaction':
        return { kind, result: await this.transactionControl(session, sqlText) };
      case 'ddl':
        return { kind, result: await this.ddl(session, sqlText) };
      default:
        return { kind, result: await this.query(session, kind, sqlText, bindRows(bindings)) };
    }
  }

  /** MULTI_STATEMENT_COUNT is 1 unless a client asks for more: one request, one statement. */
  private async singleStatement(session: EngineSession, sql: string): Promise<void> {
    const statements = await session.connection.extractStatements(sql);
    if (statements.count > 1) {
      const message = `Actual statement count ${statements.count} did not match the desired statement count 1.`;
      throw new SqlError('000008', '0A000', message);
    }
  }

  /** Snowflake ignores BEGIN inside a transaction, and COMMIT or ROLLBACK outside one. */
  private async transactionControl(session: EngineSession, sqlText: string): Promise<ResultSet> {
    const begins = /^\s*(BEGIN|START)\b/i.test(sqlText);
    if (begins !== session.inTransaction) {
      await session.connection.run(translate(sqlText).sql);
      session.inTransaction = begins;
    }
    return statusResult('Statement executed successfully.');
  }

  private async ddl(session: EngineSession, sqlText: string): Promise<ResultSet> {
    // DDL in Snowflake commits the open transaction before it runs.
    if (session.inTransaction) {
      await session.connection.run('COMMIT');
      session.inTransaction = false;
    }
    const stageStatus = await session.stages.define(sqlText);
    if (stageStatus !== null) return statusResult(stageStatus);
    const { sql, clusterBy } = translate(sqlText);
    await this.singleStatement(session, sql);
    await session.connection.run(sql);
    if (clusterBy !== null) {
      const table = /\bTABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)/i.exec(sqlText)?.[1] ?? '';
      this.clustering.push({ table, clusterBy });
    }
    return statusResult('Statement executed successfully.');
  }

  private async query(
    session: EngineSession,
    kind: Exclude<StatementKind, 'put' | 'copy' | 'transaction' | 'ddl'>,
    sqlText: string,
    rows: DuckDBValue[][] | null,
  ): Promise<ResultSet> {
    const { sql } = translate(sqlText);
    await this.singleStatement(session, sql);
    const { connection } = session;
    if (rows && rows.length > 1) {
      return countResult({ 'number of rows inserted': await this.insertRows(session, sql, rows) });
    }
    const values = rows?.[0] ?? [];
    switch (kind) {
      case 'insert':
        return countResult({ 'number of rows inserted': (await connection.run(sql, values)).rowsChanged });
      case 'update':
        return countResult({
          'number of rows updated': (await connection.run(sql, values)).rowsChanged,
          'number of multi-joined rows updated': 0,
        });
      case 'delete':
        return countResult({ 'number of rows deleted': (await connection.run(sql, values)).rowsChanged });
      case 'merge': {
        const actions = await connection.runAndReadAll(`${sql.replace(/;\s*$/, '')} RETURNING merge_action`, values);
        const taken = actions.getRowsJS().map(([action]) => String(action));
        return countResult({
          'number of rows inserted': taken.filter((a) => a === 'INSERT').length,
          'number of rows updated': taken.filter((a) => a === 'UPDATE').length,
        });
      }
      case 'session':
        await connection.run(sql);
        return statusResult('Statement executed successfully.');
      default:
        return resultSet(await connection.run(sql, values), sqlText);
    }
  }

  /** An array-bound statement runs once per row of binds, all rows or none. */
  private async insertRows(session: EngineSession, sql: string, rows: DuckDBValue[][]): Promise<number> {
    const { connection } = session;
    const own = !session.inTransaction;
    if (own) await connection.run('BEGIN TRANSACTION');
    try {
      const prepared = await connection.prepare(sql);
      let inserted = 0;
      for (const row of rows) {
        prepared.bind(row);
        inserted += (await prepared.run()).rowsChanged;
      }
      if (own) await connection.run('COMMIT');
      return inserted;
    } catch (error) {
      if (own) await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
