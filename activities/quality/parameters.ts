/**
 * Suite parameters: GX's `{"$PARAMETER": "name"}`, a value filled in when the suite runs. Insight Hub
 * fills the ones that name a time relative to the run — `now`, `now_minus_10y`, `now_plus_5m` — from
 * the cycle's start, so that the suite itself is plain GX JSON and GX, given the same values
 * (`expectation_parameters`), judges alike. The older spelling `now-10y` is read as its parameter.
 */
import { ConnectorError } from '../errors';
import { resolveRelativeTime } from './instants';

/** `now`, or `now_minus_` / `now_plus_` a whole number of s, m, h, d, w or y. */
const RUN_TIME_PARAMETER = /^now(?:_(minus|plus)_(\d+)([smhdwy]))?$/;
const RELATIVE_TIME = /^now(?:([+-])(\d+)([smhdwy]))?$/;

export type SuiteParameter = { $PARAMETER: string };

export const isSuiteParameter = (value: unknown): value is SuiteParameter =>
  typeof value === 'object' &&
  value !== null &&
  '$PARAMETER' in value &&
  typeof value.$PARAMETER === 'string' &&
  Object.keys(value).length === 1;

export const isRunTimeParameter = (name: string): boolean => RUN_TIME_PARAMETER.test(name);

/** The parameter an older relative time (`now-10y`) stands for, or null when the text is none. */
export function parameterOfRelativeTime(text: string): SuiteParameter | null {
  const match = RELATIVE_TIME.exec(text);
  if (!match) return null;
  const [, sign, amount, unit] = match;
  return { $PARAMETER: sign ? `now_${sign === '-' ? 'minus' : 'plus'}_${amount}${unit}` : 'now' };
}

/** The value of a run-time parameter: an ISO-8601 UTC instant, as GX is handed it. */
export function runTimeParameterValue(name: string, runTime: Date): string {
  const match = RUN_TIME_PARAMETER.exec(name);
  if (!match)
    throw new ConnectorError(
      'config',
      `suite parameter "${name}" is not one Insight Hub fills: use now, now_minus_<n><unit> or now_plus_<n><unit> (units s m h d w y)`,
    );
  const [, direction, amount, unit] = match;
  const relative = direction ? `now${direction === 'minus' ? '-' : '+'}${amount}${unit}` : 'now';
  return new Date(resolveRelativeTime(relative, runTime) ?? runTime.getTime()).toISOString();
}

/** Every suite parameter in a document (any depth), with the value it takes at `runTime`. */
export function suiteParameterValues(document: unknown, runTime: Date): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (value: unknown): void => {
    if (isSuiteParameter(value)) values[value.$PARAMETER] = runTimeParameterValue(value.$PARAMETER, runTime);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(document);
  return values;
}
