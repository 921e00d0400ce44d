/**
 * A delete predicate checked against its stream before any warehouse sees it: the column must exist,
 * the values must fit its type. Plug-ins render the result with `predicateCondition` (sql.ts).
 */
import { z } from 'zod';
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import { METADATA_STREAM_COLUMNS } from './sql';
import type { DeletePredicate, PredicateValue } from './types';

export interface ResolvedPredicate {
  readonly column: string;
  readonly type: ColumnType;
  readonly op: DeletePredicate['op'];
  /** One value for eq/lt/lte, at least one for in, then the `and` value; timestamps normalised to UTC ISO-8601. */
  readonly values: readonly PredicateValue[];
  /** The column of the `and` equality, whose value is the last of `values`. */
  readonly and: { readonly column: string; readonly type: ColumnType } | null;
}

/** The type of each bound value, in `values` order. */
export function valueTypes(predicate: ResolvedPredicate): ColumnType[] {
  const own = predicate.values.length - (predicate.and ? 1 : 0);
  return [...Array.from({ length: own }, () => predicate.type), ...(predicate.and ? [predicate.and.type] : [])];
}

const METADATA_TYPES: ReadonlyMap<string, ColumnType> = new Map(METADATA_STREAM_COLUMNS.map((c) => [c.name, c.type]));

/** What a value compared with a column of each type must be; json columns cannot be compared. */
const VALUE_SCHEMAS: Readonly<Record<Exclude<ColumnType, 'json'>, z.ZodType<PredicateValue>>> = {
  string: z.string(),
  integer: z.int(),
  number: z.number(),
  boolean: z.boolean(),
  date: z.iso.date(),
  timestamp: z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString()),
};

const ORDERED_TYPES: ReadonlySet<ColumnType> = new Set(['string', 'integer', 'number', 'date', 'timestamp']);

const columnType = (stream: StreamDefinition, column: string): ColumnType | undefined =>
  stream.columns.find((c) => c.name === column)?.type ?? METADATA_TYPES.get(column);

export function resolveDeletePredicate(stream: StreamDefinition, predicate: DeletePredicate): ResolvedPredicate {
  const { column, op } = predicate;
  const type = columnType(stream, column);
  const invalid = (rule: string, on: string = column): ConnectorError =>
    new ConnectorError('config', `delete predicate on ${stream.name}.${on}: ${rule}`);
  if (type === undefined) throw invalid(`${column} is not a column of stream ${stream.name}`);
  if (type === 'json') throw invalid('json columns cannot be compared');
  if ((op === 'lt' || op === 'lte') && !ORDERED_TYPES.has(type)) throw invalid(`${op} needs an ordered column, not ${type}`);
  if (op === 'in-any-case' && type !== 'string') throw invalid(`${op} needs a text column, not ${type}`);
  const values =
    predicate.op === 'in'
      ? predicate.values
      : predicate.op === 'in-any-case'
        ? predicate.values.map((value) => value.trim().toLowerCase())
        : [predicate.value];
  if (values.length === 0) throw invalid(`\`${op}\` needs at least one value`);
  const parsed = values.map((value, index) => {
    const result = VALUE_SCHEMAS[type].safeParse(value);
    if (!result.success) throw invalid(`value ${index + 1} must be a ${type}${type === 'timestamp' ? ' with a time zone' : ''}`);
    return result.data;
  });
  if (!predicate.and) return { column, type, op, values: parsed, and: null };
  const also = predicate.and;
  const alsoType = columnType(stream, also.column);
  if (alsoType === undefined) throw invalid(`${also.column} is not a column of stream ${stream.name}`, also.column);
  if (alsoType === 'json') throw invalid('json columns cannot be compared', also.column);
  const alsoValue = VALUE_SCHEMAS[alsoType].safeParse(also.value);
  if (!alsoValue.success) throw invalid(`the value must be a ${alsoType}`, also.column);
  return { column, type, op, values: [...parsed, alsoValue.data], and: { column: also.column, type: alsoType } };
}
