/**
 * `row_condition`: an expectation judges only the rows its condition holds for, and counts only
 * those. The condition is GX 1.x's own object form ({"type": "comparison", "column": {"name": …},
 * "operator": "==", "parameter": …}, "nullity", "and", "or", with GX's nesting rules), or GX's older
 * text form with `condition_parser: "great_expectations"` (`col("status") == "open"`,
 * `col("email").notnull()`), read into the object form as GX reads it. pandas and Spark query text
 * is refused: each engine reads it its own way. Conditions are decided as GX on pandas decides them
 * (DataFrame.query over the typed columns); a comparison pandas refuses makes the expectation raise.
 */
import { z } from 'zod';
import { PythonTypeError, pyCompare, pyEquals, type PyValue } from './values';
import { parsePreciseInstant } from './instants';

const OPERATORS = ['==', '!=', '<', '<=', '>', '>=', 'IN', 'NOT_IN'] as const;
type Operator = (typeof OPERATORS)[number];
type Scalar = string | number | boolean;
const isOperator = (text: string | undefined): text is Operator => OPERATORS.some((operator) => operator === text);

export type RowCondition =
  | { type: 'comparison'; column: { name: string }; operator: Operator; parameter: Scalar | (string | number)[] }
  | { type: 'nullity'; column: { name: string }; is_null: boolean }
  | { type: 'and'; conditions: RowCondition[] }
  | { type: 'or'; conditions: RowCondition[] };

const columnRef = z.object({ name: z.string().min(1, 'must name a column') });
const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number or a boolean (is_null for a null)' });
const inList = z
  .array(z.union([z.string(), z.number()]))
  .refine(
    (values) => values.every((v) => typeof v === 'number') || values.every((v) => typeof v === 'string'),
    'must hold only strings or only numbers',
  );

export const rowConditionSchema: z.ZodType<RowCondition> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z
        .object({ type: z.literal('comparison'), column: columnRef, operator: z.enum(OPERATORS), parameter: z.union([scalar, inList]) })
        .superRefine(({ operator, parameter }, ctx) => {
          const listed = Array.isArray(parameter);
          if ((operator === 'IN' || operator === 'NOT_IN') !== listed) {
            ctx.addIssue({
              code: 'custom',
              path: ['parameter'],
              message: listed ? `a list takes IN or NOT_IN, not ${operator}` : `${operator} takes a list`,
            });
          }
        }),
      z.object({ type: z.literal('nullity'), column: columnRef, is_null: z.boolean() }),
      z.object({ type: z.literal('and'), conditions: z.array(rowConditionSchema).min(1) }),
      z.object({ type: z.literal('or'), conditions: z.array(rowConditionSchema).min(1) }),
    ],
    { error: 'must be a GX condition: type comparison, nullity, and or or (pass_through text is refused)' },
  ),
);

/** GX's rules (row_conditions.py): no OR inside an AND, no OR inside an OR, at most 100 conditions. */
export function conditionProblem(condition: RowCondition): string | null {
  const containsOr = (c: RowCondition): boolean => c.type === 'or' || (c.type === 'and' && c.conditions.some(containsOr));
  const count = (c: RowCondition): number =>
    c.type === 'and' || c.type === 'or' ? c.conditions.reduce((n, inner) => n + count(inner), 0) : 1;
  if (condition.type === 'and' && condition.conditions.some(containsOr)) return 'AND groups cannot contain OR conditions';
  if (condition.type === 'or' && condition.conditions.some(containsOr)) return 'OR groups cannot contain nested OR conditions';
  if (count(condition) > 100) return `100 conditions is the maximum, but ${count(condition)} conditions are defined`;
  return null;
}

// GX's legacy grammar (legacy_row_conditions.py): col("name") then .notnull() or an operator and a
// number, a quoted text of letters, digits, Latin-1 letters, punctuation and blanks, or date("…").
const VALUE_CHARS = '[A-Za-z0-9\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u00ff!#$%&()*+,\\-./:;<=>?@[\\\\\\]^_`{|}~ \\t]';
const QUOTED = `"[ \\t]*(${VALUE_CHARS}+)"|'[ \\t]*(${VALUE_CHARS}+)'`;
const LEGACY = new RegExp(
  `^\\s*col\\("([^"]*)"\\)\\s*(?:(\\.[nN][oO][tT][nN][uU][lL][lL]\\(\\))|(>=|<=|==|!=|>|<)\\s*(?:([+-]?\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)|${QUOTED}|date\\(\\s*(?:${QUOTED})\\s*\\)))\\s*$`,
);

/** The object form of GX's text form; null when the text is not one condition of that grammar. */
export function parseLegacyCondition(text: string): RowCondition | null {
  const match = LEGACY.exec(text);
  if (!match) return null;
  const [, name = '', notNull, op, number, ...quoted] = match;
  const column = { name };
  if (notNull !== undefined) return { type: 'nullity', column, is_null: false };
  if (!isOperator(op)) return null;
  if (number !== undefined) {
    const parameter = /^[+-]?\d+$/.test(number) ? Number.parseInt(number, 10) : Number(number);
    return { type: 'comparison', column, operator: op, parameter };
  }
  const value = quoted.find((q) => q !== undefined);
  return value === undefined ? null : { type: 'comparison', column, operator: op, parameter: value };
}

/** A column's value in a row, or ABSENT when the batch has no such column. */
export const ABSENT = Symbol('absent');
export type ValueLookup = (column: string) => PyValue | null | typeof ABSENT;

/** pandas compares a timestamp column with text by reading it as a zoned instant; anything else raises. */
function asInstantParameter(parameter: Scalar): PyValue {
  const instant = typeof parameter === 'string' ? parsePreciseInstant(parameter) : null;
  if (!instant || !/(?:Z|[+-]\d{2}:?\d{2})$/.test(String(parameter))) {
    throw new PythonTypeError(`Invalid comparison between a timestamp column and ${JSON.stringify(parameter)}`);
  }
  return { kind: 'time', instant };
}

const asValue = (parameter: Scalar): PyValue =>
  typeof parameter === 'string'
    ? { kind: 'str', value: parameter }
    : typeof parameter === 'boolean'
      ? { kind: 'bool', value: parameter }
      : { kind: 'num', value: parameter, float: false };

function compares(operator: Operator, order: number): boolean {
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      return order === 0;
  }
}

/**
 * Whether the condition holds for the row; throws PythonTypeError where pandas' query raises.
 * `columnKind` tells a column's pandas dtype family: timestamps and float64 columns fail a wrong
 * comparison whatever they hold, object columns only on a value that cannot be compared.
 */
export function conditionHolds(
  condition: RowCondition,
  lookup: ValueLookup,
  columnKind: (column: string) => 'time' | 'num' | 'str' | 'object',
): boolean {
  switch (condition.type) {
    case 'and':
      return condition.conditions.every((c) => conditionHolds(c, lookup, columnKind));
    case 'or':
      return condition.conditions.some((c) => conditionHolds(c, lookup, columnKind));
    case 'nullity': {
      const value = lookup(condition.column.name);
      if (value === ABSENT) throw new PythonTypeError(`name '${condition.column.name}' is not defined`);
      return (value === null) === condition.is_null;
    }
    case 'comparison':
      return comparisonHolds(condition, lookup, columnKind);
  }
}

function comparisonHolds(
  { column, operator, parameter }: Extract<RowCondition, { type: 'comparison' }>,
  lookup: ValueLookup,
  columnKind: (column: string) => 'time' | 'num' | 'str' | 'object',
): boolean {
  const value = lookup(column.name);
  if (value === ABSENT) throw new PythonTypeError(`name '${column.name}' is not defined`);
  const kind = columnKind(column.name);
  const negated = operator === '!=' || operator === 'NOT_IN';
  if (Array.isArray(parameter)) {
    // pandas' isin: Python equality; a timestamp column never equals text.
    if (value === null || kind === 'time') return negated;
    return parameter.some((p) => pyEquals(value, asValue(p))) !== negated;
  }
  if (kind === 'time') {
    const bound = asInstantParameter(parameter);
    // pandas' query reads == and != on a timestamp column and text as never equal.
    if (operator === '==' || operator === '!=') return negated;
    return value !== null && compares(operator, pyCompare(value, bound));
  }
  const other = asValue(parameter);
  if (operator === '==' || operator === '!=') return (value !== null && pyEquals(value, other)) !== negated;
  const numericOther = other.kind !== 'str';
  if ((kind === 'str' && numericOther) || (kind === 'num' && !numericOther)) {
    throw new PythonTypeError(
      `Invalid comparison between a ${kind === 'str' ? 'text' : 'float64'} column and ${JSON.stringify(parameter)}`,
    );
  }
  return value !== null && compares(operator, pyCompare(value, other));
}
