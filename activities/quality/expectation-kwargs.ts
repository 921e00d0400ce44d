/**
 * The kwargs expectations share, as GX reads them: the row condition (its text form read into the
 * object form), `mostly`, and bounds (numbers, datetimes, or run-time suite parameters, older
 * spellings converted), each checked and refused naming the field.
 */
import { z } from 'zod';
import { conditionProblem, parseLegacyCondition, rowConditionSchema, type RowCondition } from './conditions';
import { parseInstant } from './instants';
import { isRunTimeParameter, isSuiteParameter, parameterOfRelativeTime, type SuiteParameter } from './parameters';

export const column = z.string().min(1, 'must name a column');

const CONDITION_PARSERS = ['great_expectations', 'great_expectations__experimental__', 'pandas', 'spark'] as const;

/**
 * What every expectation may carry besides its own kwargs. `result_format` and `catch_exceptions`
 * only shape GX's output, so they are accepted and ignored; any other unknown kwarg would change
 * what is checked, so it is refused rather than silently dropped.
 */
export const conditionKwargs = {
  row_condition: z.union([z.string(), rowConditionSchema]).nullable().optional(),
  condition_parser: z.enum(CONDITION_PARSERS).nullable().optional(),
  result_format: z.unknown().optional(),
  catch_exceptions: z.boolean().optional(),
};
export const mapKwargs = { ...conditionKwargs, mostly: z.number().min(0).max(1).optional() };

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
export const kwargsOf = <S extends z.ZodRawShape & typeof conditionKwargs>(shape: S) =>
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

export const strictness = { strict_min: z.boolean().optional(), strict_max: z.boolean().optional() };
export const count = z.number().int('must be a whole number').min(0);
export const countBound = count.nullable().optional();

/** Bounds checked, then the condition kwargs as kwargsOf. */
export const boundedKwargs = <
  S extends z.ZodRawShape & typeof conditionKwargs & { min_value: z.ZodType<Bound>; max_value: z.ZodType<Bound> },
>(
  shape: S,
) =>
  z
    .strictObject(shape)
    .superRefine((kwargs, ctx) => {
      checkBounds(kwargs, ctx);
      checkCondition(kwargs, ctx);
    })
    .transform((kwargs) => withCondition(kwargs));

export const betweenKwargs = boundedKwargs({ column, min_value: bound, max_value: bound, ...strictness, ...mapKwargs });
