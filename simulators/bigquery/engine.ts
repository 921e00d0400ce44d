/**
 * The simulator's storage: one in-memory DuckDB where a BigQuery project is an attached catalog
 * and a dataset a schema. Work runs one job at a time, as a queue: concurrent writers would only
 * abort each other, and BigQuery's own answer to a conflict (retry) adds nothing to a test.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../../activities/warehouses/sql';
import { BigQueryRequestError } from './errors';

export const tableKey = (projectId: string, datasetId: string, tableId: string): string => `${projectId}:${datasetId}.${tableId}`;

export function qualifiedTable(projectId: string, datasetId: string, tableId: string): string {
  return [projectId, datasetId, tableId].map(quoteIdentifier).join('.');
}

export class Engine {
  private readonly projects = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(): Promise<Engine> {
    // Without the ICU extension (not bundled) DuckDB works in UTC, which is BigQuery's default time
    // zone too: a DATE cast to TIMESTAMP is midnight UTC, whatever the host's zone.
    return new Engine(await DuckDBInstance.create(':memory:'));
  }

  /**
   * Runs `work` alone, on a connection whose default catalog is the project (and whose default
   * schema is the dataset, when given), closed afterwards: temp tables live exactly one job.
   */
  exclusive<T>(projectId: string, defaultDataset: string | null, work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const connection = await this.instance.connect();
      try {
        await this.attach(connection, projectId);
        const target = defaultDataset ? `${quoteIdentifier(projectId)}.${quoteIdentifier(defaultDataset)}` : quoteIdentifier(projectId);
        if (defaultDataset) await this.requireDataset(connection, projectId, defaultDataset);
        await connection.run(`USE ${target}`);
        return await work(connection);
      } finally {
        connection.closeSync();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async attach(connection: DuckDBConnection, projectId: string): Promise<void> {
    if (this.projects.has(projectId)) return;
    await connection.run(`ATTACH ':memory:' AS ${quoteIdentifier(projectId)}`);
    this.projects.add(projectId);
  }

  async datasetExists(connection: DuckDBConnection, projectId: string, datasetId: string): Promise<boolean> {
    const reader = await connection.runAndReadAll(
      'SELECT 1 FROM information_schema.schemata WHERE catalog_name = $1 AND schema_name = $2',
      [projectId, datasetId],
    );
    return reader.currentRowCount > 0;
  }

  async requireDataset(connection: DuckDBConnection, projectId: string, datasetId: string): Promise<void> {
    if (!(await this.datasetExists(connection, projectId, datasetId))) {
      throw BigQueryRequestError.notFound(`Dataset ${projectId}:${datasetId}`);
    }
  }

  /** A permanent table's columns from DuckDB's catalog, in order; null when there is no such table. */
  async columns(
    connection: DuckDBConnection,
    projectId: string,
    datasetId: string,
    tableId: string,
  ): Promise<{ name: string; duckdbType: string; nullable: boolean }[] | null> {
    const reader = await connection.runAndReadAll(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_catalog = $1 AND table_schema = $2 AND table_name = $3 ORDER BY ordinal_position`,
      [projectId, datasetId, tableId],
    );
    const rows = reader.getRowsJS();
    if (rows.length === 0) return null;
    return rows.map(([name, type, nullable]) => ({
      name: String(name),
      duckdbType: String(type),
      nullable: nullable === 'YES',
    }));
  }

  close(): void {
    this.instance.closeSync();
  }
}
