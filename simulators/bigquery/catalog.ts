/**
 * Datasets and tables over REST. Columns live in DuckDB; what DuckDB has no place for (time
 * partitioning, clustering, description, labels, expiration) is kept here, so tests can assert it
 * and tables.get reports it as BigQuery does.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../../activities/warehouses/sql';
import type { TimePartitioning } from './ddl';
import { qualifiedTable, tableKey, type Engine } from './engine';
import { BigQueryRequestError } from './errors';
import { duckdbTypeOf, fieldTypeOf } from './types';
import type { Field, TableMetadata } from './wire';

export interface TableExtras {
  timePartitioning?: TimePartitioning & { expirationMs?: string };
  clustering?: { fields: string[] };
  description?: string;
  labels?: Record<string, string>;
  expirationTime?: string;
  creationTime: string;
  lastModifiedTime: string;
}

export interface DatasetRecord {
  location: string;
  creationTime: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface SchemaField {
  name: string;
  type: string;
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
}

export interface TableResource {
  kind: 'bigquery#table';
  id: string;
  etag: string;
  type: 'TABLE';
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema: { fields: SchemaField[] };
  numRows: string;
  location: string;
  creationTime: string;
  lastModifiedTime: string;
  timePartitioning?: TableExtras['timePartitioning'];
  clustering?: { fields: string[] };
  description?: string;
  labels?: Record<string, string>;
  expirationTime?: string;
}

/** Types BigQuery lets a table be partitioned or clustered by. */
const PARTITION_TYPES = new Set(['DATE', 'TIMESTAMP', 'DATETIME']);
const CLUSTER_TYPES = new Set(['STRING', 'INTEGER', 'NUMERIC', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'DATETIME']);

export class Catalog {
  private readonly datasets = new Map<string, DatasetRecord>();
  private readonly extras = new Map<string, TableExtras>();

  constructor(
    readonly engine: Engine,
    readonly defaultLocation: string,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Datasets

  createDataset(projectId: string, datasetId: string, record: Omit<DatasetRecord, 'creationTime'>) {
    return this.engine.exclusive(projectId, null, async (c) => {
      if (await this.engine.datasetExists(c, projectId, datasetId)) {
        throw new BigQueryRequestError('duplicate', `Already Exists: Dataset ${projectId}:${datasetId}`);
      }
      await c.run(`CREATE SCHEMA ${quoteIdentifier(datasetId)}`);
      this.datasets.set(`${projectId}:${datasetId}`, { ...record, creationTime: String(Date.now()) });
      return this.datasetResource(projectId, datasetId);
    });
  }

  getDataset(projectId: string, datasetId: string) {
    return this.engine.exclusive(projectId, null, async (c) => {
      await this.engine.requireDataset(c, projectId, datasetId);
      return this.datasetResource(projectId, datasetId);
    });
  }

  deleteDataset(projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    return this.engine.exclusive(projectId, null, async (c) => {
      await this.engine.requireDataset(c, projectId, datasetId);
      const tables = await c.runAndReadAll(
        'SELECT table_name FROM information_schema.tables WHERE table_catalog = $1 AND table_schema = $2',
        [projectId, datasetId],
      );
      if (tables.currentRowCount > 0 && !deleteContents) {
        throw new BigQueryRequestError('resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
      }
      await c.run(`DROP SCHEMA ${quoteIdentifier(datasetId)} CASCADE`);
      this.datasets.delete(`${projectId}:${datasetId}`);
      for (const [name] of tables.getRowsJS()) this.extras.delete(tableKey(projectId, datasetId, String(name)));
    });
  }

  private datasetResource(projectId: string, datasetId: string) {
    const record = this.datasets.get(`${projectId}:${datasetId}`);
    return {
      kind: 'bigquery#dataset',
      id: `${projectId}:${datasetId}`,
      datasetReference: { projectId, datasetId },
      location: record?.location ?? this.defaultLocation,
      creationTime: record?.creationTime ?? String(Date.now()),
      ...(record?.description ? { description: record.description } : {}),
      ...(record?.labels ? { labels: record.labels } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Tables

  createTable(projectId: string, datasetId: string, tableId: string, metadata: TableMetadata): Promise<TableResource> {
    return this.engine.exclusive(projectId, null, async (c) => {
      await this.engine.requireDataset(c, projectId, datasetId);
      if (await this.engine.columns(c, projectId, datasetId, tableId)) {
        throw new BigQueryRequestError('duplicate', `Already Exists: Table ${tableKey(projectId, datasetId, tableId)}`);
      }
      const fields = metadata.schema?.fields ?? [];
      if (fields.length === 0) {
        throw new BigQueryRequestError('invalid', 'The simulator needs a schema to create a table (views are not supported)');
      }
      this.validateLayout(fields, metadata, tableKey(projectId, datasetId, tableId));
      await c.run(`CREATE TABLE ${qualifiedTable(projectId, datasetId, tableId)} (${columnDefinitions(fields)})`);
      this.recordExtras(projectId, datasetId, tableId, metadata);
      return this.tableResource(c, projectId, datasetId, tableId);
    });
  }

  getTable(projectId: string, datasetId: string, tableId: string): Promise<TableResource> {
    return this.engine.exclusive(projectId, null, (c) => this.tableResource(c, projectId, datasetId, tableId));
  }

  /** tables.patch and tables.update: columns may be added (and REQUIRED relaxed), never removed or retyped. */
  patchTable(projectId: string, datasetId: string, tableId: string, metadata: TableMetadata): Promise<TableResource> {
    return this.engine.exclusive(projectId, null, async (c) => {
      const current = await this.tableResource(c, projectId, datasetId, tableId);
      const key = tableKey(projectId, datasetId, tableId);
      if (metadata.timePartitioning && metadata.timePartitioning.field !== current.timePartitioning?.field) {
        throw new BigQueryRequestError('invalid', `Cannot change partitioning spec of table ${key}`);
      }
      const table = qualifiedTable(projectId, datasetId, tableId);
      const fields = metadata.schema?.fields;
      if (fields) {
        this.validateLayout(fields, { ...current, ...metadata }, key);
        for (const statement of schemaChanges(current.schema.fields, fields, key, table)) await c.run(statement);
      }
      const extras = this.extras.get(key);
      const changed = { ...extras, lastModifiedTime: String(Date.now()), creationTime: current.creationTime };
      if (metadata.clustering !== undefined) changed.clustering = metadata.clustering ?? undefined;
      if (metadata.description !== undefined) changed.description = metadata.description ?? undefined;
      if (metadata.labels !== undefined) changed.labels = metadata.labels;
      if (metadata.expirationTime !== undefined) changed.expirationTime = metadata.expirationTime ?? undefined;
      this.extras.set(key, changed);
      return this.tableResource(c, projectId, datasetId, tableId);
    });
  }

  deleteTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    return this.engine.exclusive(projectId, null, async (c) => {
      await this.tableResource(c, projectId, datasetId, tableId);
      await c.run(`DROP TABLE ${qualifiedTable(projectId, datasetId, tableId)}`);
      this.extras.delete(tableKey(projectId, datasetId, tableId));
    });
  }

  /** Remembers what a new table declared beyond its columns (REST create, load job or CREATE TABLE). */
  recordExtras(
    projectId: string,
    datasetId: string,
    tableId: string,
    metadata: Pick<TableMetadata, 'timePartitioning' | 'clustering' | 'description' | 'labels' | 'expirationTime'>,
  ): void {
    const now = String(Date.now());
    this.extras.set(tableKey(projectId, datasetId, tableId), {
      timePartitioning: metadata.timePartitioning ?? undefined,
      clustering: metadata.clustering ?? undefined,
      description: metadata.description ?? undefined,
      labels: metadata.labels,
      expirationTime: metadata.expirationTime ?? undefined,
      creationTime: now,
      lastModifiedTime: now,
    });
  }

  /** BigQuery's rules for partitioning and clustering columns, checked as it checks them. */
  validateLayout(fields: readonly Pick<Field, 'name' | 'type' | 'mode'>[], metadata: TableMetadata, key: string): void {
    const typeOf = (name: string): string | undefined => {
      const field = fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
      return field && field.mode !== 'REPEATED' ? fieldTypeOf(duckdbTypeOf(field.type), true).type : undefined;
    };
    const partitionField = metadata.timePartitioning?.field;
    if (partitionField && !PARTITION_TYPES.has(typeOf(partitionField) ?? '')) {
      throw new BigQueryRequestError(
        'invalid',
        `The field specified for partitioning cannot be found in the schema or is not a DATE, TIMESTAMP or DATETIME column: ${partitionField} (table ${key})`,
      );
    }
    for (const field of metadata.clustering?.fields ?? []) {
      if (!CLUSTER_TYPES.has(typeOf(field) ?? '')) {
        throw new BigQueryRequestError('invalid', `Field ${field} cannot be used for clustering in table ${key}`);
      }
    }
  }

  async tableResource(c: DuckDBConnection, projectId: string, datasetId: string, tableId: string): Promise<TableResource> {
    const key = tableKey(projectId, datasetId, tableId);
    const columns = await this.engine.columns(c, projectId, datasetId, tableId);
    if (!columns) throw BigQueryRequestError.notFound(`Table ${key}`);
    const count = await c.runAndReadAll(`SELECT count(*) FROM ${qualifiedTable(projectId, datasetId, tableId)}`);
    const extras = this.extras.get(key);
    const now = String(Date.now());
    return {
      kind: 'bigquery#table',
      id: key,
      etag: `"${extras?.lastModifiedTime ?? now}"`,
      type: 'TABLE',
      tableReference: { projectId, datasetId, tableId },
      schema: { fields: columns.map((column) => ({ name: column.name, ...fieldTypeOf(column.duckdbType, column.nullable) })) },
      numRows: String(count.getRowsJS()[0]?.[0] ?? 0),
      location: this.datasets.get(`${projectId}:${datasetId}`)?.location ?? this.defaultLocation,
      creationTime: extras?.creationTime ?? now,
      lastModifiedTime: extras?.lastModifiedTime ?? now,
      ...(extras?.timePartitioning ? { timePartitioning: extras.timePartitioning } : {}),
      ...(extras?.clustering ? { clustering: extras.clustering } : {}),
      ...(extras?.description ? { description: extras.description } : {}),
      ...(extras?.labels ? { labels: extras.labels } : {}),
      ...(extras?.expirationTime ? { expirationTime: extras.expirationTime } : {}),
    };
  }
}

export function columnDefinitions(fields: readonly Pick<Field, 'name' | 'type' | 'mode'>[]): string {
  return fields
    .map((f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.type, f.mode)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`)
    .join(', ');
}

/** The ALTER TABLE statements a schema patch needs, or BigQuery's refusal of it. */
function schemaChanges(current: readonly SchemaField[], wanted: readonly Field[], key: string, table: string): string[] {
  const mismatch = (detail: string) => new BigQueryRequestError('invalid', `Provided Schema does not match Table ${key}. ${detail}`);
  const statements: string[] = [];
  for (const field of current) {
    const next = wanted.find((w) => w.name.toLowerCase() === field.name.toLowerCase());
    if (!next) throw mismatch(`Field ${field.name} is missing in new schema`);
    const nextType = fieldTypeOf(duckdbTypeOf(next.type, next.mode), true).type;
    if (nextType !== field.type) throw mismatch(`Field ${field.name} has changed type from ${field.type} to ${nextType}`);
    if (field.mode === 'REQUIRED' && next.mode === 'NULLABLE') {
      statements.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(field.name)} DROP NOT NULL`);
    } else if (next.mode !== field.mode) {
      throw mismatch(`Field ${field.name} has changed mode from ${field.mode} to ${next.mode}`);
    }
  }
  for (const field of wanted.filter((w) => !current.some((f) => f.name.toLowerCase() === w.name.toLowerCase()))) {
    if (field.mode === 'REQUIRED') throw mismatch(`Cannot add required field ${field.name}`);
    statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(field.name)} ${duckdbTypeOf(field.type, field.mode)}`);
  }
  return statements;
}
