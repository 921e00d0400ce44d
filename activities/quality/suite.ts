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
import {
  betweenKwargs,
  boundedKwargs,
  column,
  conditionKwargs,
  count,
  countBound,
  kwargsOf,
  mapKwargs,
  strictness,
} from './expectation-kwargs';
import { isSuiteParameter } from './parameters';
import { PythonRegexError, pythonRegex } from './python-regex';

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

/** Each rule's name in a label: the expectation's type, shortened. */
const RULE_NAMES: Record<ExpectationType, string> = {
  expect_column_values_to_be_unique: 'unique',
  expect_column_values_to_not_be_null: 'not_null',
  expect_column_values_to_be_between: 'between',
  expect_column_values_to_be_in_set: 'in_set',
  expect_column_values_to_not_be_in_set: 'not_in_set',
  expect_column_values_to_match_regex: 'match_regex',
  expect_column_values_to_not_match_regex: 'not_match_regex',
  expect_column_value_lengths_to_be_between: 'lengths_between',
  expect_column_value_lengths_to_equal: 'lengths_equal',
  expect_compound_columns_to_be_unique: 'compound_unique',
  expect_column_to_exist: 'column_exists',
  expect_table_row_count_to_be_between: 'row_count_between',
  expect_table_row_count_to_equal: 'row_count_equal',
};

/**
 * The label a failing row carries as its quarantine reason: the rule and the column(s) it checks,
 * e.g. `not_null(email)`, `compound_unique(a,b)`; a table rule is its name alone.
 */
export function ruleLabel(expectation: Expectation): string {
  const name = RULE_NAMES[expectation.type];
  const { kwargs } = expectation;
  if ('column_list' in kwargs) return `${name}(${kwargs.column_list.join(',')})`;
  if ('column' in kwargs) return `${name}(${kwargs.column})`;
  return name;
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
