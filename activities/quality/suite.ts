/**
 * Expectation suites in the Great Expectations JSON shape. Both GX 1.x (`name`, `expectations[].type`)
 * and 0.18 (`expectation_suite_name`, `expectations[].expectation_type`) documents are accepted and
 * normalised to the 1.x shape. Syntax of bounds and the rule labels: ./README.md.
 */
import { z } from 'zod';
import { ConnectorError } from '../errors';
import { isRelativeTime, parseInstant } from './instants';

const column = z.string().min(1, 'must name a column');

/**
 * Kwargs every column-map expectation takes. `result_format` and `catch_exceptions` only shape GX's
 * own output, so they are accepted and ignored; any other unknown kwarg (row_condition…) would change
 * what is checked, so it is refused rather than silently dropped.
 */
const mapKwargs = {
  mostly: z.number().min(0).max(1).optional(),
  result_format: z.unknown().optional(),
  catch_exceptions: z.boolean().optional(),
};

const timeBound = z
  .string()
  .refine(
    (text) => isRelativeTime(text) || parseInstant(text) !== null,
    'must be an ISO-8601 date or zoned datetime (2024-01-01, 2024-01-01T00:00:00Z) or a time relative to the run (now, now-3y, now+5m, now-24h)',
  );
const bound = z.union([z.number(), timeBound]).nullable().optional();

/** Both bounds of the same kind, at least one of them, and an absolute range not upside down. */
const betweenKwargs = z
  .strictObject({
    column,
    min_value: bound,
    max_value: bound,
    strict_min: z.boolean().optional(),
    strict_max: z.boolean().optional(),
    ...mapKwargs,
  })
  .superRefine(({ min_value: min, max_value: max }, ctx) => {
    if (min == null && max == null) {
      ctx.addIssue({ code: 'custom', path: ['min_value'], message: 'min_value and max_value cannot both be missing' });
      return;
    }
    if (min == null || max == null) return;
    if (typeof min !== typeof max) {
      ctx.addIssue({ code: 'custom', path: ['max_value'], message: 'must be of the same kind as min_value (both numbers or both datetimes)' });
      return;
    }
    const low = typeof min === 'number' ? min : parseInstant(min);
    const high = typeof max === 'number' ? max : parseInstant(max);
    if (low !== null && high !== null && low > high) {
      ctx.addIssue({ code: 'custom', path: ['max_value'], message: 'must not be below min_value' });
    }
  });

const compilesAsRegex = (source: string): boolean => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

const expectation = <T extends string, K extends z.ZodType>(type: T, kwargs: K) =>
  z.object({ type: z.literal(type), kwargs, meta: z.record(z.string(), z.unknown()).optional() });

function describeType(expectation: unknown): string {
  const type = typeof expectation === 'object' && expectation !== null && 'type' in expectation ? expectation.type : undefined;
  return type === undefined ? 'missing expectation type' : `unknown expectation type ${JSON.stringify(type)}`;
}

const expectationOptions = [
  expectation('expect_column_values_to_be_unique', z.strictObject({ column, ...mapKwargs })),
  expectation('expect_column_values_to_not_be_null', z.strictObject({ column, ...mapKwargs })),
  expectation('expect_column_values_to_be_between', betweenKwargs),
  expectation(
    'expect_column_values_to_be_in_set',
    z.strictObject({
      column,
      value_set: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'must hold at least one value'),
      ...mapKwargs,
    }),
  ),
  expectation(
    'expect_column_values_to_match_regex',
    z.strictObject({ column, regex: z.string().refine(compilesAsRegex, 'must be a valid regular expression'), ...mapKwargs }),
  ),
  expectation(
    'expect_compound_columns_to_be_unique',
    z.strictObject({
      column_list: z.array(column).min(1, 'must list at least one column'),
      ignore_row_if: z.enum(['all_values_are_missing', 'any_value_is_missing', 'never']).optional(),
      ...mapKwargs,
    }),
  ),
] as const;

const EXPECTATION_TYPES = expectationOptions.map((option) => option.shape.type.value);

export const expectationSchema = z.discriminatedUnion('type', expectationOptions, {
  error: (issue) => `${describeType(issue.input)}; supported: ${EXPECTATION_TYPES.join(', ')}`,
});
export type Expectation = z.infer<typeof expectationSchema>;

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
    case 'expect_column_values_to_match_regex':
      return `match_regex(${expectation.kwargs.column})`;
    case 'expect_compound_columns_to_be_unique':
      return `compound_unique(${expectation.kwargs.column_list.join(',')})`;
  }
}

/** The normalised (GX 1.x) suite. A rule label appears once, so a quarantine reason names one expectation. */
export const expectationSuiteSchema = z
  .object({
    name: z.string().min(1),
    expectations: z.array(expectationSchema),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine(({ expectations }, ctx) => {
    const firstIndexByLabel = new Map<string, number>();
    expectations.forEach((item, index) => {
      const label = ruleLabel(item);
      const first = firstIndexByLabel.get(label);
      if (first === undefined) firstIndexByLabel.set(label, index);
      else ctx.addIssue({ code: 'custom', path: ['expectations', index], message: `repeats rule ${label} of expectations[${first}]` });
    });
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

/** Validates a suite document of either GX shape; throws a config error naming each bad field and why. */
export function parseSuite(document: unknown): ExpectationSuite {
  const isLegacy = typeof document === 'object' && document !== null && 'expectation_suite_name' in document;
  if (!isLegacy) return parseOrThrow(expectationSuiteSchema, document);
  const legacy = parseOrThrow(legacySuiteSchema, document);
  return parseOrThrow(expectationSuiteSchema, {
    name: legacy.expectation_suite_name,
    meta: legacy.meta,
    expectations: legacy.expectations.map(({ expectation_type, ...rest }) => ({ ...rest, type: expectation_type })),
  });
}
