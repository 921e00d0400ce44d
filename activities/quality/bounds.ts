/** The bounded expectations: values between bounds (numbers, datetimes, run-time suite parameters), lengths between bounds. */
import { ConnectorError } from '../errors';
import { valueCheck, type BatchView, type Check } from './column-check';
import { compareInstants, parsePreciseInstant, type PreciseInstant } from './instants';
import { isSuiteParameter } from './parameters';
import type { Expectation } from './suite';
import { PythonTypeError, type PyValue } from './values';

type ResolvedBound = { kind: 'num'; value: number } | { kind: 'time'; instant: PreciseInstant } | null;

function resolveBound(bound: unknown, parameters: Readonly<Record<string, string>>, field: string): ResolvedBound {
  if (bound === null || bound === undefined) return null;
  if (typeof bound === 'number') return { kind: 'num', value: bound };
  const text = isSuiteParameter(bound) ? parameters[bound.$PARAMETER] : typeof bound === 'string' ? bound : undefined;
  const instant = text === undefined ? null : parsePreciseInstant(text);
  if (!instant)
    throw new ConnectorError(
      'config',
      `${field}: ${JSON.stringify(bound)} is neither a number, an ISO-8601 datetime with a zone nor a run-time suite parameter`,
    );
  return { kind: 'time', instant };
}

const compareBound = (value: PyValue, bound: NonNullable<ResolvedBound>): number | null => {
  if (bound.kind === 'time') return value.kind === 'time' ? compareInstants(value.instant, bound.instant) : null;
  if (value.kind === 'num') return value.value - bound.value;
  return value.kind === 'bool' ? Number(value.value) - bound.value : null;
};

/**
 * `expect_column_values_to_be_between` as GX 1.24 on pandas: float64 and timestamp columns compare
 * with bounds of their kind (a timestamp column refuses any other outright, a float64 one as soon as
 * it holds a value), other columns value by value, where text never compares with a number or a
 * datetime and a boolean counts as 0 or 1. Without the stream's types, a value of another kind than
 * the bounds is unexpected, a text being read as an ISO-8601 instant against datetime bounds.
 */
export function betweenCheck(
  batch: BatchView,
  kwargs: Extract<Expectation, { type: 'expect_column_values_to_be_between' }>['kwargs'],
  parameters: Readonly<Record<string, string>>,
): Check {
  const { column, strict_min: strictMin, strict_max: strictMax } = kwargs;
  const low = resolveBound(kwargs.min_value, parameters, `between(${column}).min_value`);
  const high = resolveBound(kwargs.max_value, parameters, `between(${column}).max_value`);
  const kind = (low ?? high)?.kind ?? 'num';
  if (low && high) {
    const order =
      low.kind === 'num' && high.kind === 'num'
        ? low.value - high.value
        : low.kind === 'time' && high.kind === 'time'
          ? compareInstants(low.instant, high.instant)
          : 0;
    if (order > 0) throw new PythonTypeError('min_value cannot be greater than max_value');
  }
  const type = batch.typeOf(column);
  if (batch.typed && (type === 'timestamp' || type === 'date') && kind !== 'time') {
    throw new PythonTypeError('Invalid comparison between dtype=datetime64[us, UTC] and float');
  }
  const within = (value: PyValue): boolean => {
    const below = low ? compareBound(value, low) : 0;
    const above = high ? compareBound(value, high) : 0;
    if (below === null || above === null) {
      if (!batch.typed) return false;
      throw new PythonTypeError('Column values, min_value, and max_value must either be None or of the same type.');
    }
    if (low && (strictMin ? below <= 0 : below < 0)) return false;
    return !high || (strictMax ? above < 0 : above <= 0);
  };
  if (batch.typed) return valueCheck(batch, column, within);
  // Untyped: numbers judge numbers (not booleans); datetime bounds judge texts read as instants.
  return valueCheck(batch, column, (value) => {
    if (kind === 'num') return value.kind === 'num' && within(value);
    const instant = value.kind === 'str' ? parsePreciseInstant(value.value) : null;
    return instant !== null && within({ kind: 'time', instant });
  });
}

export const lengthWithin =
  (min: number | null | undefined, max: number | null | undefined, strictMin?: boolean, strictMax?: boolean) => (length: number) =>
    (min == null || (strictMin ? length > min : length >= min)) && (max == null || (strictMax ? length < max : length <= max));
