/**
 * Expectation suites in the Great Expectations JSON shape. Both GX 1.x (`name`, `expectations[].type`)
 * and 0.18 (`expectation_suite_name`, `expectations[].expectation_type`) documents are accepted and
 * normalised to the 1.x shape, which GX 1.24 reads as it is (ExpectationSuite(**suite)). Older
 * Insight Hub spellings are converted on the way in: a relative bound `now-10y` becomes the suite
 * parameter {"$PARAMETER": "now_minus_10y"}, a date bound `2024-01-01` the instant
 * `2024-01-01T00:00:00Z`, a text row_condition for condition_parser great_expectations its object
 * form. Syntax, semantics and rule labels: ./README.md.
 */
import { z } from 'zod';
import { ConnectorError } from '../errors';
import { conditionProblem, parseLegacyCondition, rowConditionSchema, type RowCondition } from './conditions';
import { parseInstant } from './instants';
import { isRunTimeParameter, isSuiteParameter, parameterOfRelativeTime, type SuiteParameter } from './parameters';
import { PythonRegexError, pythonRegex } from './python-regex';

const column = z.string().min(1, 'must name a column');

const CONDITION_PARSERS = ['great_expectations', 'great_expectations__experimental__', 'pandas', 'spark'] as const;

/**
 * What every expectation may carry besides its own kwargs. `result_format` and `catch_exceptions`
 * only shape GX's output, so they are accepted and ignored; any other unknown kwarg would change
 * what is checked, so it is refused rather than silently dropped.
 */
const conditionKwargs = {
  row_condition: z.union([z.string(), rowConditionSchema]).nullable().optional(),
  condition_parser: z.enum(CONDITION_PARSERS).nullable().optional(),
  result_format: z.unknown().optional(),
  catch_exceptions: z.boolean().optional(),
};
const mapKwargs = { ...conditionKwargs, mostly: z.number().min(0).max(1).optional() };

type ConditionFields = {
  row_condition?: string | RowCondition | null | undefined;
  condition_parser?: (typeof CONDITION_PARSERS)[number] | null | undefined;
};

/** The text form read into the object form, as GX does; pandas or Spark query text refused. */
function checkCondition(kwargs: ConditionFields, ctx: z.RefinementCtx): void {
  const condition = kwargs.row_condition;
  if (condition === null || condition === undefined) return;
  if (typeof condition !== 'string') {
    const problem = conditionProblem(condition);
    if (problem) ctx.addIssue({ code: 'custom', path: ['row_condition'], message: problem });
    return;
  }
  const parser = kwargs.condition_parser;
  if (parser !== 'great_expectations' && parser !== 'great_expectations__experimental__') {
    ctx.addIssue({
      code: 'custom',
      path: ['row_condition'],
      message: `text is read only with condition_parser "great_expectations" (col("status") == "open"); ${parser ? `${parser} query text` : 'query text without a parser'} is engine-specific: write the condition as a GX condition object`,
    });
  } else if (parseLegacyCondition(condition) === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['row_condition'],
      message:
        'must be one condition of GX\'s syntax: col("name") then == != < <= > >= and a number or a quoted text, or .notnull() (GX would ignore anything after it)',
    });
  }
}

function withCondition<T extends ConditionFields>(kwargs: T): Omit<T, 'row_condition'> & { row_condition?: RowCondition | null } {
  const { row_condition: condition, ...rest } = kwargs;
  if (condition === undefined) return rest;
  return { ...rest, row_condition: typeof condition === 'string' ? parseLegacyCondition(condition) : condition };
}

/** A strict kwargs object with the condition kwargs, checked and read into the object form. */
const kwargsOf = <S extends z.ZodRawShape & typeof conditionKwargs>(shape: S) =>
  z
    .strictObject(shape)
    .superRefine((kwargs, ctx) => checkCondition(kwargs, ctx))
    .transform((kwargs) => withCondition(kwargs));

// ---- Bounds -----------------------------------------------------------------------------------

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Older spellings of a datetime bound in GX's: a relative time as a suite parameter, a date as its UTC midnight. */
function modernBound(bound: unknown): unknown {
  if (typeof bound !== 'string') return bound;
  return parameterOfRelativeTime(bound) ?? (DATE_ONLY.test(bound) ? `${bound}T00:00:00Z` : bound);
}

const timeBound = z
  .string()
  .refine(
    (text) => parseInstant(text) !== null,
    'must be an ISO-8601 datetime with a zone (2024-01-01T00:00:00Z), or a suite parameter for a time relative to the run ({"$PARAMETER": "now_minus_3y"}; now-3y is read as that)',
  );
const parameterBound = z
  .custom<SuiteParameter>(isSuiteParameter, 'must be a number, a datetime or {"$PARAMETER": "…"}')
  .refine(
    (value) => isRunTimeParameter(value.$PARAMETER),
    'names a suite parameter Insight Hub does not fill: use now, now_minus_<n><unit> or now_plus_<n><unit> (units s m h d w y)',
  );
const bound = z.preprocess(modernBound, z.union([z.number(), parameterBound, timeBound]).nullable().optional());
type Bound = number | string | SuiteParameter | null | undefined;

const boundKind = (value: Bound): 'number' | 'time' | null =>
  value === null || value === undefined ? null : typeof value === 'number' ? 'number' : 'time';

/** Both bounds of the same kind, at least one of them, and an absolute range not upside down. */
function checkBounds({ min_value: min, max_value: max }: { min_value?: Bound; max_value?: Bound }, ctx: z.RefinementCtx): void {
  if (min == null && max == null) {
    ctx.addIssue({ code: 'custom', path: ['min_value'], message: 'min_value and max_value cannot both be missing' });
    return;
  }
  if (min == null || max == null) return;
  if (boundKind(min) !== boundKind(max)) {
    ctx.addIssue({
      code: 'custom',
      path: ['max_value'],
      message: 'must be of the same kind as min_value (both numbers or both datetimes)',
    });
    return;
  }
  const low = typeof min === 'number' ? min : typeof min === 'string' ? parseInstant(min) : null;
  const high = typeof max === 'number' ? max : typeof max === 'string' ? parseInstant(max) : null;
  if (low !== null && high !== null && low > high)
    ctx.addIssue({ code: 'custom', path: ['max_value'], message: 'must not be below min_value' });
}

const strictness = { strict_min: z.boolean().optional(), strict_max: z.boolean().optional() };
const count = z.number().int('must be a whole number').min(0);
const countBound = count.nullable().optional();

/** Bounds checked, then the condition kwargs as kwargsOf. */
const boundedKwargs = <S extends z.ZodRawShape & typeof conditionKwargs & { min_value: z.ZodType<Bound>; max_value: z.ZodType<Bound> }>(
  shape: S,
) =>
  z
    .strictObject(shape)
    .superRefine((kwargs, ctx) => {
      checkBounds(kwargs, ctx);
      checkCondition(kwargs, ctx);
    })
    .transform((kwargs) => withCondition(kwargs));

const betweenKwargs = boundedKwargs({ column, min_value: bound, max_value: bound, ...strictness, ...mapKwargs });

// ---- Expectations -----------------------------------------------------------------------------

const compilesAsPython = (pattern: string, ctx: z.RefinementCtx): void => {
  try {
    pythonRegex(pattern);
  } catch (error) {
    if (!(error instanceof PythonRegexError)) throw error;
    ctx.addIssue({ code: 'custom', message: `must be a valid regular expression in Python's syntax, as GX runs it: ${error.message}` });
  }
};
const regex = z.string().superRefine(compilesAsPython);
const valueSet = z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'must hold at least one value');

const expectation = <T extends string, K extends z.ZodType>(type: T, kwargs: K) =>
  z.object({ type: z.literal(type), kwargs, meta: z.record(z.string(), z.unknown()).optional() });

function describeType(expectation: unknown): string {
  const type = typeof expectation === 'object' && expectation !== null && 'type' in expectation ? expectation.type : undefined;
  return type === undefined ? 'missing expectation type' : `unknown expectation type ${JSON.stringify(type)}`;
}

const expectationOptions = [
  expectation('expect_column_values_to_be_unique', kwargsOf({ column, ...mapKwargs })),
  expectation('expect_column_values_to_not_be_null', kwargsOf({ column, ...mapKwargs })),
  expectation('expect_column_values_to_be_between', betweenKwargs),
  expectation('expect_column_values_to_be_in_set', kwargsOf({ column, value_set: valueSet, ...mapKwargs })),
  expectation('expect_column_values_to_not_be_in_set', kwargsOf({ column, value_set: valueSet, ...mapKwargs })),
  expectation('expect_column_values_to_match_regex', kwargsOf({ column, regex, ...mapKwargs })),
  expectation('expect_column_values_to_not_match_regex', kwargsOf({ column, regex, ...mapKwargs })),
  expectation(
    'expect_column_value_lengths_to_be_between',
    boundedKwargs({ column, min_value: countBound, max_value: countBound, ...strictness, ...mapKwargs }),
  ),
  expectation('expect_column_value_lengths_to_equal', kwargsOf({ column, value: z.number().min(0), ...mapKwargs })),
  expectation(
    'expect_compound_columns_to_be_unique',
    kwargsOf({
      column_list: z.array(column).min(1, 'must list at least one column'),
      ignore_row_if: z.enum(['all_values_are_missing', 'any_value_is_missing', 'never']).optional(),
      ...mapKwargs,
    }),
  ),
  expectation(
    'expect_column_to_exist',
    z.strictObject({
      column,
      column_index: count.nullable().optional(),
      result_format: z.unknown().optional(),
      catch_exceptions: z.boolean().optional(),
    }),
  ),
  expectation(
    'expect_table_row_count_to_be_between',
    boundedKwargs({ min_value: countBound, max_value: countBound, ...strictness, ...conditionKwargs }),
  ),
  expectation('expect_table_row_count_to_equal', kwargsOf({ value: count, ...conditionKwargs })),
] as const;

const EXPECTATION_TYPES = expectationOptions.map((option) => option.shape.type.value);

export const expectationSchema = z.discriminatedUnion('type', expectationOptions, {
  error: (issue) => `${describeType(issue.input)}; supported: ${EXPECTATION_TYPES.join(', ')}`,
});
export type Expectation = z.infer<typeof expectationSchema>;
export type ExpectationType = Expectation['type'];

/** The label a failing row carries as its quarantine reason, e.g. `not_null(email)`. */
export function ruleLabel(expectation: Expectation): string {
  switch (expectation.type) {
    case 'expect_column_values_to_be_unique':
      return `unique(${expectation.kwargs.column})`;
    case 'expect_column_values_to_not_be_null':
      return `not_null(${expectation.kwargs.column})`;
    case 'expect_column_values_to_be_between':
      return `between(${expectation.kwargs.column})`;
    case 'expect_column_values_to_be_in_set':
      return `in_set(${expectation.kwargs.column})`;
    case 'expect_column_values_to_not_be_in_set':
      return `not_in_set(${expectation.kwargs.column})`;
    case 'expect_column_values_to_match_regex':
      return `match_regex(${expectation.kwargs.column})`;
    case 'expect_column_values_to_not_match_regex':
      return `not_match_regex(${expectation.kwargs.column})`;
    case 'expect_column_value_lengths_to_be_between':
      return `lengths_between(${expectation.kwargs.column})`;
    case 'expect_column_value_lengths_to_equal':
      return `lengths_equal(${expectation.kwargs.column})`;
    case 'expect_compound_columns_to_be_unique':
      return `compound_unique(${expectation.kwargs.column_list.join(',')})`;
    case 'expect_column_to_exist':
      return `column_exists(${expectation.kwargs.column})`;
    case 'expect_table_row_count_to_be_between':
      return 'row_count_between';
    case 'expect_table_row_count_to_equal':
      return 'row_count_equal';
  }
}

/**
 * Each expectation's label in the suite: a rule written more than once (two regexes on one column)
 * is told apart by its place among those, `match_regex(email)#2`, so a quarantine reason names one
 * expectation.
 */
export function ruleLabels(suite: Pick<ExpectationSuite, 'expectations'>): string[] {
  const seen = new Map<string, number>();
  return suite.expectations.map((item) => {
    const label = ruleLabel(item);
    const nth = (seen.get(label) ?? 0) + 1;
    seen.set(label, nth);
    return nth === 1 ? label : `${label}#${nth}`;
  });
}

/** The normalised (GX 1.x) suite. */
export const expectationSuiteSchema = z.object({
  name: z.string().min(1),
  expectations: z.array(expectationSchema),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type ExpectationSuite = z.infer<typeof expectationSuiteSchema>;

/** The envelope of a GX 0.18 suite; its expectations are renamed into the 1.x shape, then validated as such. */
const legacySuiteSchema = z.object({
  expectation_suite_name: z.string().min(1),
  expectations: z.array(z.looseObject({ expectation_type: z.unknown() })),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');

function parseOrThrow<T>(schema: z.ZodType<T>, document: unknown): T {
  const parsed = schema.safeParse(document);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path) || 'suite'}: ${issue.message}`);
  throw new ConnectorError('config', `invalid expectation suite: ${problems.join('; ')}`);
}

/**
 * A $PARAMETER anywhere but a between bound, named: Insight Hub fills only run-time parameters, which
 * are times (the strict kwargs alone would only call it an invalid input).
 */
function misplacedParameters(document: unknown): string[] {
  const expectations = z
    .object({
      expectations: z.array(
        z.looseObject({
          type: z.unknown().optional(),
          expectation_type: z.unknown().optional(),
          kwargs: z.record(z.string(), z.unknown()),
        }),
      ),
    })
    .safeParse(document);
  if (!expectations.success) return [];
  return expectations.data.expectations.flatMap(({ type, expectation_type: legacyType, kwargs }, index) =>
    Object.entries(kwargs)
      .filter(
        ([key, value]) =>
          isSuiteParameter(value) &&
          !((type ?? legacyType) === 'expect_column_values_to_be_between' && (key === 'min_value' || key === 'max_value')),
      )
      .map(
        ([key]) =>
          `expectations[${index}].kwargs.${key}: takes no suite parameter (Insight Hub fills only run-time ones, now_minus_10y…, as bounds of expect_column_values_to_be_between)`,
      ),
  );
}

/** Validates a suite document of either GX shape; throws a config error naming each bad field and why. */
export function parseSuite(document: unknown): ExpectationSuite {
  const misplaced = misplacedParameters(document);
  if (misplaced.length > 0) throw new ConnectorError('config', `invalid expectation suite: ${misplaced.join('; ')}`);
  const isLegacy = typeof document === 'object' && document !== null && 'expectation_suite_name' in document;
  if (!isLegacy) return parseOrThrow(expectationSuiteSchema, document);
  const legacy = parseOrThrow(legacySuiteSchema, document);
  return parseOrThrow(expectationSuiteSchema, {
    name: legacy.expectation_suite_name,
    meta: legacy.meta,
    expectations: legacy.expectations.map(({ expectation_type, ...rest }) => ({ ...rest, type: expectation_type })),
  });
}
