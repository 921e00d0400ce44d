/**
 * The default expectation suite of each stream, as each source's definition names it (GX JSON),
 * validated when the module loads, so a broken suite stops the worker at start-up rather than a cycle
 * later.
 */
import { sourceDefinitions } from '../../domain/sources';
import { ConnectorError } from '../errors';
import { parseSuite, type ExpectationSuite } from './suite';

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
