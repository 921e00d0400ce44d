/**
 * A model is data plus one SELECT: the table it materialises in the destination's schema, its grain,
 * its columns with their lineage (the source columns each comes from) and how each may be
 * aggregated, and the query that computes its rows. The query is written once, in the SQL every
 * destination shares, and asks the warehouse's dialect (QueryDialect) only for what differs.
 */
import type { ActiveRule, ColumnType } from '../../domain/streams/types';
import type { QueryDialect } from '../warehouses/derived';

/** A column of a stream table or of an earlier model, `<table>.<column>` (e.g. `salesforce_contact.email`). */
export type SourceColumn = `${string}.${string}`;

/**
 * How a BI tool may aggregate a column: `sum` (additive: counts, amounts), `count_distinct` (the
 * column identifies someone: reach), or `none` — a non-additive figure (an average, a daily distinct
 * count, a figure repeated on several rows) shown as it is and never summed.
 */
export type Aggregation = 'sum' | 'count_distinct' | 'none';

export interface ModelColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
  /** The source columns the value is computed from; empty for a value the model makes (a label). */
  readonly lineage: readonly SourceColumn[];
  readonly aggregation: Aggregation;
  /** Personal data: erased on request with the sources. */
  readonly personal?: boolean;
}

export interface ModelDefinition {
  /** The table in the destination's schema: the name BI tools and the query endpoint see. */
  readonly name: string;
  readonly description: string;
  /** What one row is. */
  readonly grain: string;
  /** The columns that identify a row, together. */
  readonly primaryKey: readonly string[];
  readonly columns: readonly ModelColumn[];
  /** The tables the query reads (stream tables and earlier models): a refresh runs when one of them changed. */
  readonly reads: readonly string[];
  /** The rows, as one SELECT whose result columns are `columns`, in that order. */
  select(dialect: QueryDialect, settings: ModelSettings): string;
}

/** What the destination's connectors are configured with that the models follow. */
export interface ModelSettings {
  /**
   * Per stream table, the active rules its rows must meet for their person to be in the models (the
   * Salesforce connectors' rules, contacts and leads); a table without any: everyone is active.
   */
  readonly activeRules: Readonly<Record<string, readonly ActiveRule[]>>;
}

/** A column, briefly: `col('email', 'string', 'sum', 'what it is', ['salesforce_contact.email'])`. */
export function col(
  name: string,
  type: ColumnType,
  aggregation: Aggregation,
  description: string,
  lineage: readonly SourceColumn[] = [],
  personal = false,
): ModelColumn {
  return personal ? { name, type, aggregation, description, lineage, personal } : { name, type, aggregation, description, lineage };
}

/** The expression of a normalised email: trimmed, lower case, NULL when empty. */
export const normalisedEmail = (column: string): string => `NULLIF(LOWER(TRIM(${column})), '')`;

/** How many rows of the group meet the condition (0, not NULL, when none do). */
export const countWhere = (condition: string): string => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
