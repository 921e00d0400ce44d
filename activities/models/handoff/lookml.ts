/**
 * A LookML project generated from the model definitions: one view per model (a dimension per
 * column, times as dimension groups, a measure per column by its aggregation — `sum` for additive
 * figures, `count_distinct` for the columns that identify someone, none at all for non-additive
 * figures), and a model file whose `customer` explore joins each customer's touchpoints and the
 * campaigns' daily performance.
 */
import type { ModelColumn, ModelDefinition } from '../types';
import { MODELS } from '../index';
import { schemaPath, TARGET_SQL, type HandoffTarget } from './target';

/** A LookML string: double-quoted, no quote or line break inside. */
const text = (value: string): string => `"${value.replaceAll('"', "'").replaceAll(/\s+/g, ' ')}"`;

const DIMENSION_TYPES = { string: 'string', json: 'string', integer: 'number', number: 'number', boolean: 'yesno' } as const;

const PRIMARY_KEY = 'primary_key';

function dimension(column: ModelColumn, primaryKey: boolean): string[] {
  const common = [`    description: ${text(column.description)}`, `    sql: \${TABLE}.${column.name} ;;`];
  if (column.type === 'timestamp' || column.type === 'date') {
    const timeframes = column.type === 'date' ? '[raw, date, week, month, quarter, year]' : '[raw, time, date, week, month, quarter, year]';
    const dateOnly = column.type === 'date' ? ['    datatype: date', '    convert_tz: no'] : [];
    return [`  dimension_group: ${column.name} {`, '    type: time', `    timeframes: ${timeframes}`, ...dateOnly, ...common, '  }'];
  }
  const key = primaryKey ? ['    primary_key: yes'] : [];
  return [`  dimension: ${column.name} {`, ...key, `    type: ${DIMENSION_TYPES[column.type]}`, ...common, '  }'];
}

function measure(column: ModelColumn): string[] {
  if (column.aggregation === 'none') return [];
  const [name, label] = column.aggregation === 'sum' ? [`total_${column.name}`, 'sum'] : [`distinct_${column.name}`, 'distinct count'];
  return [
    `  measure: ${name} {`,
    `    type: ${column.aggregation}`,
    `    description: ${text(`${label} of ${column.name}: ${column.description}`)}`,
    `    sql: \${${column.name}} ;;`,
    '  }',
  ];
}

/** Looker needs one primary-key field; a model keyed by several columns gets one made of them. */
function compoundKey(model: ModelDefinition, target: HandoffTarget): string[] {
  if (model.primaryKey.length === 1) return [];
  const { text: textType } = TARGET_SQL[target.destination];
  const parts = model.primaryKey.map((name) => `COALESCE(CAST(\${TABLE}.${name} AS ${textType}), '')`).join(" || '|' || ");
  return [
    `  dimension: ${PRIMARY_KEY} {`,
    '    primary_key: yes',
    '    hidden: yes',
    '    type: string',
    `    description: ${text(`${model.primaryKey.join(' and ')}, together`)}`,
    `    sql: ${parts} ;;`,
    '  }',
  ];
}

export function lookmlView(model: ModelDefinition, target: HandoffTarget): string {
  const single = model.primaryKey.length === 1 ? model.primaryKey[0] : undefined;
  return [
    `view: ${model.name} {`,
    `  sql_table_name: ${TARGET_SQL[target.destination].table(schemaPath(target), model.name)} ;;`,
    `  description: ${text(`${model.description} One row: ${model.grain}.`)}`,
    ...compoundKey(model, target),
    ...model.columns.flatMap((column) => dimension(column, column.name === single)),
    '  measure: count {',
    '    type: count',
    `    description: ${text(`rows: each is ${model.grain}`)}`,
    '  }',
    ...model.columns.flatMap(measure),
    '}',
    '',
  ].join('\n');
}

export const LOOKML_MODEL_FILE = 'insight_hub.model.lkml';

export function lookmlModel(target: HandoffTarget): string {
  return [
    `connection: ${text(target.connection)}`,
    'include: "/views/*.view.lkml"',
    '',
    'explore: customer {',
    '  description: "Customers, their touchpoints, and the daily performance of the campaigns they were touched by"',
    '  join: customer_touchpoint {',
    '    type: left_outer',
    '    relationship: one_to_many',
    '    sql_on: ${customer.customer_key} = ${customer_touchpoint.customer_key} ;;',
    '  }',
    '  join: campaign_performance {',
    '    type: left_outer',
    '    relationship: many_to_one',
    '    sql_on: ${customer_touchpoint.campaign_id} = ${campaign_performance.campaign_id}',
    '      AND ${customer_touchpoint.touchpoint_date_raw} = ${campaign_performance.day_raw} ;;',
    '  }',
    '}',
    '',
    ...['campaign_performance', 'content_performance', 'brand_sentiment_daily'].flatMap((name) => [`explore: ${name} {}`, '']),
  ].join('\n');
}

/** The project's files by path: the model file and one view file per model. */
export function lookmlProject(target: HandoffTarget): Record<string, string> {
  const views = MODELS.map((model): [string, string] => [`views/${model.name}.view.lkml`, lookmlView(model, target)]);
  return { [LOOKML_MODEL_FILE]: lookmlModel(target), ...Object.fromEntries(views) };
}
