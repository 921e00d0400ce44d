/**
 * Where a BI tool finds the models: the destination's kind and schema, and the name of the
 * connection the tool already holds for it (Insight Hub never hands out credentials). What differs
 * between destinations in the SQL a BI tool writes — quoting a table, naming the text type — is
 * here, once.
 */
import type { DestinationKind } from '../../../domain/connector';

export interface HandoffTarget {
  readonly destination: DestinationKind;
  readonly schema: string;
  /** The connection's name in Looker, or its caption in Tableau. */
  readonly connection: string;
  /** BigQuery: the Google Cloud project the dataset (`schema`) is in. */
  readonly project?: string;
}

interface TargetSql {
  /** The model's table as the destination's SQL names it. */
  table(schema: string, table: string): string;
  /** The text type CAST takes. */
  readonly text: string;
  /** How the destination stores the models' names: Snowflake's are upper case (its plug-in creates them so). */
  readonly storedName: (name: string) => string;
}

const asIs = (name: string): string => name;
const standard: TargetSql = { table: (schema, table) => `"${schema}"."${table}"`, text: 'VARCHAR', storedName: asIs };

export const TARGET_SQL: Readonly<Record<DestinationKind, TargetSql>> = {
  duckdb: standard,
  postgres: standard,
  redshift: standard,
  // Unquoted, Snowflake folds the names to the upper case they were created in.
  snowflake: { table: (schema, table) => `${schema}.${table}`, text: 'VARCHAR', storedName: (name) => name.toUpperCase() },
  bigquery: { table: (schema, table) => `\`${schema}.${table}\``, text: 'STRING', storedName: asIs },
};

/**
 * The schema as a BI tool names it: a BigQuery dataset under its project, which Tableau's BigQuery
 * connector needs in every table name (and Looker when the connection's project is another one).
 */
export const schemaPath = (target: HandoffTarget): string =>
  target.destination === 'bigquery' && target.project ? `${target.project}.${target.schema}` : target.schema;

/** The default connection name for a destination. */
export const defaultConnection = (destination: DestinationKind): string => `insight_hub_${destination}`;
