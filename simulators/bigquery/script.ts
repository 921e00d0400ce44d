/**
 * Runs a query or a multi-statement script in DuckDB as BigQuery would: statements outside a
 * transaction commit one by one; BEGIN TRANSACTION … COMMIT TRANSACTION is one DuckDB transaction,
 * rolled back whole when any statement in it fails or the script ends inside it. The result is
 * that of the last statement.
 */
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from './catalog';
import { qualifiedTable, tableKey } from './engine';
import { checkQueryColumnTypes } from './coercion';
import type { TableDeclaration } from './ddl';
import { translateScript, type TranslatedStatement } from './dialect';
import { BigQueryRequestError, firstLine } from './errors';
import { ParameterSet, type QueryParameter } from './parameters';
import { resultField, type ResultSet } from './results';
import { fieldTypeOf } from './types';

export interface ScriptRequest {
  projectId: string;
  defaultDataset: string | null;
  sql: string;
  parameters: readonly QueryParameter[];
}

export interface ScriptOutcome {
  /** BigQuery's name for what ran: SELECT, INSERT, MERGE, CREATE_TABLE…, or SCRIPT for several statements. */
  statementType: string;
  result: ResultSet;
  /** Rows changed by the last statement, when it was DML. */
  numDmlAffectedRows: number | null;
  statements: readonly TranslatedStatement[];
}

const STATEMENT_TYPES: Partial<Record<string, string>> = {
  SELECT: 'SELECT',
  INSERT: 'INSERT',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  MERGE_INTO: 'MERGE',
  CREATE: 'CREATE_TABLE',
  DROP: 'DROP_TABLE',
  ALTER: 'ALTER_TABLE',
};
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Statements BigQuery refuses inside a multi-statement transaction (permanent-table DDL). */
const NOT_IN_TRANSACTION = new Set(['CREATE_TABLE', 'ALTER_TABLE']);

export async function runScript(catalog: Catalog, request: ScriptRequest): Promise<ScriptOutcome> {
  const statements = translateScript(request.sql, new ParameterSet(request.parameters));
  if (statements.length === 0) throw BigQueryRequestError.invalidQuery('Syntax error: Unexpected end of script');
  return catalog.engine.exclusive(request.projectId, request.defaultDataset, async (connection) => {
    const run = new ScriptRun(catalog, connection, request);
    try {
      for (const statement of statements) await run.execute(statement);
      if (run.inTransaction)
        throw BigQueryRequestError.invalidQuery('Transaction was not committed or rolled back at the end of the script');
    } catch (error) {
      if (run.inTransaction) await connection.run('ROLLBACK');
      throw asRequestError(error);
    }
    const last = run.last;
    return {
      statementType: statements.length > 1 ? 'SCRIPT' : last.statementType,
      result: last.result,
      numDmlAffectedRows: last.numDmlAffectedRows,
      statements,
    };
  });
}

interface StatementOutcome {
  statementType: string;
  result: ResultSet;
  numDmlAffectedRows: number | null;
}

const NO_RESULT: ResultSet = { fields: [], types: [], rows: [] };

class ScriptRun {
  inTransaction = false;
  last: StatementOutcome = { statementType: 'SCRIPT', result: NO_RESULT, numDmlAffectedRows: null };

  constructor(
    private readonly catalog: Catalog,
    private readonly connection: DuckDBConnection,
    private readonly request: ScriptRequest,
  ) {}

  async execute(statement: TranslatedStatement): Promise<void> {
    const { declaration } = statement;
    const existedBefore = declaration && !declaration.temporary ? await this.exists(declaration) : false;
    // (DESCRIBE takes no parameters: a CTAS with parameters goes unchecked.)
    if (declaration?.columnList && statement.bindings.length === 0) {
      await checkQueryColumnTypes(this.connection, statement.duckdb, declaration.columnList);
    }
    const result = await this.connection.run(
      statement.duckdb,
      statement.bindings.map((b) => b.value),
      statement.bindings.map((b) => b.bindType),
    );
    const statementType = STATEMENT_TYPES[StatementType[result.statementType]] ?? 'SCRIPT';
    if (this.inTransaction && NOT_IN_TRANSACTION.has(statementType) && !declaration?.temporary) {
      throw BigQueryRequestError.invalidQuery(`${statementType} on a permanent table is not supported inside a transaction`);
    }
    if (statement.control === 'begin') this.inTransaction = true;
    if (statement.control === 'commit' || statement.control === 'rollback') this.inTransaction = false;
    if (declaration && !declaration.temporary && (!existedBefore || declaration.orReplace)) await this.record(declaration);
    const isQuery = statementType === 'SELECT';
    const names = result.deduplicatedColumnNames();
    const types = isQuery ? result.columnTypes() : [];
    this.last = {
      statementType,
      result: isQuery
        ? { fields: types.map((type, i) => resultField(names[i] ?? `f${i}_`, type)), types, rows: await result.getRows() }
        : NO_RESULT,
      numDmlAffectedRows: DML.has(statementType) ? result.rowsChanged : null,
    };
  }

  private resolve(declaration: TableDeclaration): { projectId: string; datasetId: string; tableId: string } {
    const parts = declaration.name;
    const tableId = parts.at(-1) ?? '';
    const datasetId = parts.at(-2) ?? this.request.defaultDataset;
    if (!datasetId) throw BigQueryRequestError.invalidQuery(`Table "${tableId}" must be qualified with a dataset (e.g. dataset.table)`);
    return { projectId: parts.at(-3) ?? this.request.projectId, datasetId, tableId };
  }

  private async exists(declaration: TableDeclaration): Promise<boolean> {
    const { projectId, datasetId, tableId } = this.resolve(declaration);
    return (await this.catalog.engine.columns(this.connection, projectId, datasetId, tableId)) !== null;
  }

  /** CREATE TABLE's PARTITION BY and CLUSTER BY, checked against the new columns and kept as metadata. */
  private async record(declaration: TableDeclaration): Promise<void> {
    const { projectId, datasetId, tableId } = this.resolve(declaration);
    const metadata = {
      timePartitioning: declaration.timePartitioning ?? undefined,
      clustering: declaration.clustering ?? undefined,
    };
    const columns = (await this.catalog.engine.columns(this.connection, projectId, datasetId, tableId)) ?? [];
    const fields = columns.map((column) => ({ name: column.name, ...fieldTypeOf(column.duckdbType, column.nullable) }));
    try {
      this.catalog.validateLayout(fields, metadata, tableKey(projectId, datasetId, tableId));
    } catch (error) {
      if (!this.inTransaction) await this.connection.run(`DROP TABLE ${qualifiedTable(projectId, datasetId, tableId)}`);
      throw error;
    }
    this.catalog.recordExtras(projectId, datasetId, tableId, metadata);
  }
}

/** DuckDB's errors as BigQuery's: a missing catalog object is notFound, anything else an invalid query. */
export function asRequestError(error: unknown): BigQueryRequestError {
  if (error instanceof BigQueryRequestError) return error;
  const message = firstLine(error);
  if (/^Catalog Error: (Table|Schema)/.test(message)) return BigQueryRequestError.notFound(message.replace(/^Catalog Error: /, ''));
  return BigQueryRequestError.invalidQuery(message);
}
