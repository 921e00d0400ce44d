/** The metric names alert rules and dashboards ask for, and whether a scrape serves them. */

const METRIC_NAME = /\b(?:insight_hub|temporal)_[a-z0-9_]+\b/g;
const HISTOGRAM_SERIES = /_(?:bucket|sum|count)$/;

/** Our metrics and the Temporal SDK's named in a text (a PromQL expression, a rule file). */
export const metricNamesIn = (text: string): string[] => [...new Set(text.match(METRIC_NAME) ?? [])].sort();

/** Every `expr` of a dashboard's panels. */
export function exprsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exprsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'expr' && typeof inner === 'string' ? [inner] : exprsOf(inner)));
}

/** The metric families an exposition text declares (`# TYPE name kind`). */
export function familiesIn(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1] ?? ''));
}

/** A name is served when its family is declared; a histogram's series by their family's name. */
export const isServed = (name: string, families: Set<string>): boolean =>
  families.has(name) || (HISTOGRAM_SERIES.test(name) && families.has(name.replace(HISTOGRAM_SERIES, '')));
