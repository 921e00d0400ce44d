/**
 * The default expectation suite of each stream, shipped as GX JSON beside this file and validated when
 * the module loads, so a broken suite stops the worker at start-up rather than a cycle later.
 */
import type { SourceKind } from '../../domain/connector';
import type { SalesforceStreamName } from '../../domain/streams/salesforce';
import { ConnectorError } from '../errors';
import { parseSuite, type ExpectationSuite } from './suite';
import salesforceCampaignMember from './suites/salesforce-campaign-member.json';
import salesforceContact from './suites/salesforce-contact.json';
import salesforceLead from './suites/salesforce-lead.json';
import salesforceOpportunity from './suites/salesforce-opportunity.json';

const suitesBySource = {
  salesforce: {
    contact: parseSuite(salesforceContact),
    lead: parseSuite(salesforceLead),
    opportunity: parseSuite(salesforceOpportunity),
    campaign_member: parseSuite(salesforceCampaignMember),
  } satisfies Record<SalesforceStreamName, ExpectationSuite>,
} satisfies Record<SourceKind, Record<string, ExpectationSuite>>;

const suiteKey = (source: string, stream: string): string => `${source}/${stream}`;

const suites = new Map<string, ExpectationSuite>(
  Object.entries(suitesBySource).flatMap(([source, byStream]) =>
    Object.entries(byStream).map(([stream, suite]): [string, ExpectationSuite] => [suiteKey(source, stream), suite]),
  ),
);

export function defaultSuiteFor(source: string, stream: string): ExpectationSuite {
  const suite = suites.get(suiteKey(source, stream));
  if (!suite) throw new ConnectorError('config', `no default expectation suite for stream ${stream} of source ${source}`);
  return suite;
}
