/**
 * The default expectation suite of each stream, shipped as GX JSON beside this file and validated when
 * the module loads, so a broken suite stops the worker at start-up rather than a cycle later.
 */
import type { SourceKind } from '../../domain/connector';
import type { BrandwatchStreamName } from '../../domain/streams/brandwatch';
import type { CmsStreamName } from '../../domain/streams/cms';
import type { Ga4StreamName } from '../../domain/streams/ga4';
import type { SalesforceStreamName } from '../../domain/streams/salesforce';
import type { ZendeskStreamName } from '../../domain/streams/zendesk';
import type { SendgridStreamName } from '../../domain/streams/sendgrid';
import { ConnectorError } from '../errors';
import { parseSuite, type ExpectationSuite } from './suite';
import brandwatchMentions from './suites/brandwatch-mentions.json';
import cmsContentViews from './suites/cms-content-views.json';
import ga4DailyMetrics from './suites/ga4-daily-metrics.json';
import ga4RealtimeEvents from './suites/ga4-realtime-events.json';
import salesforceCampaignMember from './suites/salesforce-campaign-member.json';
import salesforceContact from './suites/salesforce-contact.json';
import salesforceLead from './suites/salesforce-lead.json';
import salesforceOpportunity from './suites/salesforce-opportunity.json';
import zendeskTickets from './suites/zendesk-tickets.json';
import sendgridEvents from './suites/sendgrid-events.json';

const suitesBySource = {
  salesforce: {
    contact: parseSuite(salesforceContact),
    lead: parseSuite(salesforceLead),
    opportunity: parseSuite(salesforceOpportunity),
    campaign_member: parseSuite(salesforceCampaignMember),
  } satisfies Record<SalesforceStreamName, ExpectationSuite>,
  zendesk: { tickets: parseSuite(zendeskTickets) } satisfies Record<ZendeskStreamName, ExpectationSuite>,
  cms: { content_views: parseSuite(cmsContentViews) } satisfies Record<CmsStreamName, ExpectationSuite>,
  sendgrid: {
    events: parseSuite(sendgridEvents),
  } satisfies Record<SendgridStreamName, ExpectationSuite>,
  ga4: {
    daily_metrics: parseSuite(ga4DailyMetrics),
    realtime_events: parseSuite(ga4RealtimeEvents),
  } satisfies Record<Ga4StreamName, ExpectationSuite>,
  brandwatch: { mentions: parseSuite(brandwatchMentions) } satisfies Record<BrandwatchStreamName, ExpectationSuite>,
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
