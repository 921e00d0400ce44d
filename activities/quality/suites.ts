/**
 * The default expectation suite of each stream, as each source's definition names it (GX JSON),
 * validated when the module loads, so a broken suite stops the worker at start-up rather than a cycle
 * later.
 */
import { sourceDefinitions, type SourceKind } from '../../domain/sources';
import type { ActiveRule, StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import { expectationSchema, parseSuite, type Expectation, type ExpectationSuite, type ExpectationType } from './suite';

const suiteKey = (source: string, stream: string): string => `${source}/${stream}`;

const suites = new Map<string, ExpectationSuite>(
  Object.values(sourceDefinitions).flatMap((definition) =>
    Object.entries(definition.suites).map(([stream, suite]): [string, ExpectationSuite] => [
      suiteKey(definition.kind, stream),
      parseSuite(suite),
    ]),
  ),
);

export function defaultSuiteFor(source: string, stream: string): ExpectationSuite {
  const suite = suites.get(suiteKey(source, stream));
  if (!suite) throw new ConnectorError('config', `no default expectation suite for stream ${stream} of source ${source}`);
  return suite;
}

/**
 * The suite a connector's stream is validated with: the source's own for the stream it defines, and
 * for a stream the connector's config defines (a GA4 report of its own) the rules every stream
 * keeps: its key present and unique, its cursor present, its numbers never negative.
 */
export function suiteForStream(source: SourceKind, stream: StreamDefinition): ExpectationSuite {
  const streams: Readonly<Record<string, StreamDefinition>> = sourceDefinitions[source].streams;
  const own = Object.hasOwn(streams, stream.name) ? streams[stream.name] : undefined;
  if (own && JSON.stringify(own.columns) === JSON.stringify(stream.columns)) return defaultSuiteFor(source, stream.name);
  return parseSuite({ name: `${source}.${stream.name}`, expectations: baselineExpectations(stream) });
}

/**
 * The suite of a stream read by the account's catalog (a Salesforce org's describe): the source's own
 * suite for it, its rules on the default active flag made rules on the connector's own active rule
 * (none when it has none), less the rules on columns this account's stream has not (a stock org
 * has no Active__c), since a rule on an absent column would fail every row.
 */
export function suiteForDiscoveredStream(source: SourceKind, stream: StreamDefinition): ExpectationSuite {
  const own = suites.get(suiteKey(source, stream.name));
  if (!own) return suiteForStream(source, stream);
  const streams: Readonly<Record<string, StreamDefinition>> = sourceDefinitions[source].streams;
  const byDefault = Object.hasOwn(streams, stream.name) ? streams[stream.name]?.activeRule : undefined;
  const columns = new Set(stream.columns.map((column) => column.name));
  return {
    ...own,
    expectations: own.expectations
      .flatMap((expectation) => followingActiveRule(expectation, byDefault, stream.activeRule))
      .filter((expectation) => columnsOf(expectation).every((name) => columns.has(name))),
  };
}

/** A rule of the source's suite on its default active flag, as a rule on the connector's active rule instead. */
function followingActiveRule(expectation: Expectation, byDefault: ActiveRule | undefined, rule: ActiveRule | undefined): Expectation[] {
  if (!byDefault || !columnsOf(expectation).includes(byDefault.column)) return [expectation];
  if (!rule) return [];
  if (rule.column === byDefault.column && rule.equals === byDefault.equals) return [expectation];
  const notes = `The connector's active rule: only rows whose ${rule.column} is ${JSON.stringify(rule.equals)} are marketed to; any other value, or none, is held back.`;
  const valueSet = expectation.type === 'expect_column_values_to_be_in_set' ? { value_set: [rule.equals] } : {};
  return [
    expectationSchema.parse({ ...expectation, kwargs: { ...expectation.kwargs, column: rule.column, ...valueSet }, meta: { notes } }),
  ];
}

function baselineExpectations(stream: StreamDefinition): unknown[] {
  const notNull = (column: string) => ({ type: 'expect_column_values_to_not_be_null', kwargs: { column } });
  const counts = stream.columns.filter((c) => c.type === 'integer' || c.type === 'number');
  return [
    { type: 'expect_column_values_to_be_unique', kwargs: { column: stream.primaryKey } },
    notNull(stream.primaryKey),
    notNull(stream.cursorColumn),
    ...counts.map((c) => ({ type: 'expect_column_values_to_be_between', kwargs: { column: c.name, min_value: 0 } })),
  ];
}

/**
 * Rules a hash still answers as the plain value would: a hash is present, and unique, exactly when the
 * value is — for an email or customer id, the value trimmed (an email also in lower case), the form it
 * is hashed in.
 */
const HASH_PRESERVES: ReadonlySet<ExpectationType> = new Set([
  'expect_column_values_to_be_unique',
  'expect_column_values_to_not_be_null',
  'expect_compound_columns_to_be_unique',
  'expect_column_to_exist',
]);

const columnsOf = (expectation: Expectation): string[] =>
  'column_list' in expectation.kwargs ? expectation.kwargs.column_list : 'column' in expectation.kwargs ? [expectation.kwargs.column] : [];

/**
 * The suite as a connector's personal columns leave the rows: no rule on a dropped column (it is
 * never there), and on a hashed one only the rules a hash answers alike (a format or value rule
 * would fail every hash).
 */
export function suiteForPersonalColumns(suite: ExpectationSuite, actions: ReadonlyMap<string, 'hash' | 'drop'>): ExpectationSuite {
  if (actions.size === 0) return suite;
  const applies = (expectation: Expectation): boolean =>
    columnsOf(expectation).every((name) => {
      const action = actions.get(name);
      return action === undefined || (action === 'hash' && HASH_PRESERVES.has(expectation.type));
    });
  return { ...suite, expectations: suite.expectations.filter(applies) };
}
