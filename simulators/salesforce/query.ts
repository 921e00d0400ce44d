/**
 * Checks a parsed SOQL query against the object's fields, the way Salesforce does (unknown
 * object, unknown field, literal of the wrong type), and runs it over the org's records.
 */
import { findField, findObject, type FieldValue, type ObjectSchema, type SimRecord, type SoqlType } from './schema';
import { parseSoql, SoqlError, type Condition, type Literal, type Operator } from './soql';

export interface CompiledQuery {
  readonly schema: ObjectSchema;
  /** Canonical field names, in the order selected. */
  readonly fields: readonly string[];
  matches(record: SimRecord): boolean;
  compare(a: SimRecord, b: SimRecord): number;
  readonly limit: number | null;
}

const LITERAL_FOR: Record<SoqlType, Literal['kind']> = {
  string: 'string',
  datetime: 'datetime',
  date: 'date',
  number: 'number',
  boolean: 'boolean',
};

const TYPE_WORDING: Record<SoqlType, string> = {
  string: 'string and should be enclosed in quotes',
  datetime: 'dateTime and should not be enclosed in quotes',
  date: 'date and should not be enclosed in quotes',
  number: 'double and should not be enclosed in quotes',
  boolean: 'boolean and should not be enclosed in quotes',
};

function resolveField(schema: ObjectSchema, name: string): string {
  const field = findField(schema, name);
  if (!field) throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${schema.name}'.`);
  return field;
}

function fieldType(schema: ObjectSchema, field: string): SoqlType {
  const type = schema.fields.get(field);
  if (!type) throw new SoqlError('INVALID_FIELD', `No such column '${field}' on entity '${schema.name}'.`);
  return type;
}

/** Literal as a comparable value; null stays null. */
function literalValue(literal: Literal): FieldValue {
  return literal.kind === 'null' ? null : literal.value;
}

function compareValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function holds(op: Operator, actual: FieldValue, expected: FieldValue): boolean {
  if (op === '=') return actual === expected;
  if (op === '!=') return actual !== expected;
  if (actual === null || expected === null) return false;
  const order = compareValues(actual, expected);
  if (op === '<') return order < 0;
  if (op === '<=') return order <= 0;
  if (op === '>') return order > 0;
  return order >= 0;
}

function compileCondition(schema: ObjectSchema, condition: Condition): (record: SimRecord) => boolean {
  if (condition.kind === 'and' || condition.kind === 'or') {
    const left = compileCondition(schema, condition.left);
    const right = compileCondition(schema, condition.right);
    return condition.kind === 'and' ? (r) => left(r) && right(r) : (r) => left(r) || right(r);
  }
  if (condition.kind === 'not') {
    const operand = compileCondition(schema, condition.operand);
    return (r) => !operand(r);
  }
  return compileComparison(schema, condition);
}

function compileComparison(schema: ObjectSchema, condition: Extract<Condition, { kind: 'compare' }>): (record: SimRecord) => boolean {
  const field = resolveField(schema, condition.field);
  const type = fieldType(schema, field);
  const { literal, op } = condition;
  if (literal.kind !== 'null' && literal.kind !== LITERAL_FOR[type]) {
    throw new SoqlError('INVALID_FIELD', `value of filter criterion for field '${field}' must be of type ${TYPE_WORDING[type]}`);
  }
  if (literal.kind === 'null' && op !== '=' && op !== '!=') {
    throw new SoqlError('MALFORMED_QUERY', `null can only be compared with = or != (field '${field}')`);
  }
  const expected = literalValue(literal);
  return (record) => holds(op, record[field] ?? null, expected);
}

/** `objects`: the org's objects as it has them (its profile's fields); every simulated field when omitted. */
export function compileQuery(soql: string, objects: (name: string) => ObjectSchema | undefined = findObject): CompiledQuery {
  const parsed = parseSoql(soql);
  const schema = objects(parsed.object);
  if (!schema) {
    throw new SoqlError('INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
  }
  const fields = parsed.fields.map((f) => resolveField(schema, f));
  const matches = parsed.where ? compileCondition(schema, parsed.where) : () => true;
  // Without ORDER BY, records come back in creation order, i.e. by Id.
  const order = parsed.orderBy.length ? parsed.orderBy : [{ field: 'Id', descending: false }];
  const keys = order.map((o) => ({ field: resolveField(schema, o.field), sign: o.descending ? -1 : 1 }));
  const compare = (a: SimRecord, b: SimRecord): number => {
    for (const { field, sign } of keys) {
      const order = compareValues(a[field] ?? null, b[field] ?? null);
      if (order !== 0) return order * sign;
    }
    return 0;
  };
  return { schema, fields, matches, compare, limit: parsed.limit };
}

/** queryAll sees deleted records; query does not. */
export function runQuery(query: CompiledQuery, records: readonly SimRecord[], includeDeleted: boolean): SimRecord[] {
  const matched = records.filter((r) => (includeDeleted || r.IsDeleted !== true) && query.matches(r)).sort(query.compare);
  return query.limit === null ? matched : matched.slice(0, query.limit);
}
