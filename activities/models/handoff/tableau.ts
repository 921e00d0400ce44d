/**
 * A Tableau data source (.tds) generated from the model definitions: one connection to the
 * destination (its credentials are the user's to enter in Tableau), every model as a table of it,
 * and every column described with its role and default aggregation — additive figures summed,
 * identifying columns counted distinct, non-additive figures kept as continuous dimensions so that
 * Tableau never sums them.
 */
import type { DestinationKind } from '../../../domain/connector';
import type { ColumnType } from '../../../domain/streams/types';
import type { ModelColumn, ModelDefinition } from '../types';
import { MODELS } from '../index';
import { schemaPath, TARGET_SQL, type HandoffTarget } from './target';

/** Tableau's connector class per destination; DuckDB through Tableau's generic JDBC connector. */
const CONNECTION_CLASS: Readonly<Record<DestinationKind, string>> = {
  duckdb: 'genericjdbc',
  postgres: 'postgres',
  redshift: 'redshift',
  snowflake: 'snowflake',
  bigquery: 'bigquery',
};

const DATA_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'string',
  json: 'string',
  integer: 'integer',
  number: 'real',
  boolean: 'boolean',
  timestamp: 'datetime',
  date: 'date',
};

const escapeXml = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll("'", '&apos;').replaceAll('"', '&quot;');

const attributes = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([name, value]) => `${name}='${escapeXml(value)}'`)
    .join(' ');

/** The column's field name in the data source: column names repeat across models, so each names its table. */
export const tableauField = (model: ModelDefinition, column: ModelColumn): string => `[${column.name} (${model.name})]`;

const quantitative = (column: ModelColumn): boolean => column.type === 'integer' || column.type === 'number';

function columnElement(model: ModelDefinition, column: ModelColumn): string {
  const measure = column.aggregation === 'sum';
  const aggregation = column.aggregation === 'sum' ? 'Sum' : column.aggregation === 'count_distinct' ? 'CountD' : 'None';
  const values = {
    caption: `${column.name} (${model.name})`,
    datatype: DATA_TYPES[column.type],
    name: tableauField(model, column),
    role: measure ? 'measure' : 'dimension',
    type: quantitative(column) || column.type === 'timestamp' || column.type === 'date' ? 'quantitative' : 'nominal',
    aggregation,
  };
  return `  <column ${attributes(values)}>\n    <desc><formatted-text><run>${escapeXml(column.description)}</run></formatted-text></desc>\n  </column>`;
}

function metadataRecord(model: ModelDefinition, column: ModelColumn, stored: (name: string) => string): string {
  const fields = {
    'remote-name': stored(column.name),
    'local-name': tableauField(model, column),
    'parent-name': `[${model.name}]`,
    'remote-alias': stored(column.name),
    'local-type': DATA_TYPES[column.type],
    'contains-null': 'true',
  };
  const inner = Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return `      <metadata-record class='column'>${inner}</metadata-record>`;
}

export function tableauDataSource(target: HandoffTarget): string {
  const stored = TARGET_SQL[target.destination].storedName;
  const connection = {
    class: CONNECTION_CLASS[target.destination],
    schema: target.schema,
    ...(target.destination === 'duckdb' ? { 'jdbc-url': 'jdbc:duckdb:<path to the warehouse file>' } : {}),
    // Tableau's BigQuery connector: the project holding the dataset (CATALOG) and the one billed for queries (EXECCATALOG).
    ...(target.destination === 'bigquery' && target.project
      ? { CATALOG: target.project, EXECCATALOG: target.project, project: target.project }
      : {}),
  };
  const tables = MODELS.map(
    (model) =>
      `        <relation ${attributes({ connection: 'insight_hub', name: model.name, table: `[${stored(schemaPath(target))}].[${stored(model.name)}]`, type: 'table' })} />`,
  );
  return [
    "<?xml version='1.0' encoding='utf-8' ?>",
    `<datasource ${attributes({ 'formatted-name': `Insight Hub models (${target.destination})`, inline: 'true', version: '18.1' })}>`,
    "  <connection class='federated'>",
    '    <named-connections>',
    `      <named-connection ${attributes({ caption: target.connection, name: 'insight_hub' })}>`,
    `        <connection ${attributes(connection)} />`,
    '      </named-connection>',
    '    </named-connections>',
    "    <relation type='collection'>",
    ...tables,
    '    </relation>',
    '    <metadata-records>',
    ...MODELS.flatMap((model) => model.columns.map((column) => metadataRecord(model, column, stored))),
    '    </metadata-records>',
    '  </connection>',
    ...MODELS.flatMap((model) => model.columns.map((column) => columnElement(model, column))),
    '</datasource>',
    '',
  ].join('\n');
}
