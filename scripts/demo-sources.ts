/**
 * The demo's other sources: a simulator of each (Zendesk, the GraphQL CMS, GA4, Brandwatch) on a
 * fixed local port, and a SendGrid sender posting signed event batches to the webhook — so that
 * `npm start` shows every source of the spec running on its own schedule, at its own rate.
 */
import { z } from 'zod';
import type { CreateConnectorBody } from '../domain/connector';
import { startBrandwatchSimulator } from '../simulators/brandwatch/server';
import { startCmsSimulator } from '../simulators/cms/server';
import { startGa4Simulator } from '../simulators/ga4/server';
import { generateSendgridEvents } from '../simulators/sendgrid/events';
import { createSendgridSender, type SendgridSender } from '../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../simulators/sendgrid/signing';
import { startZendeskSimulator } from '../simulators/zendesk/server';

const portsSchema = z.object({
  ZENDESK_SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(8788),
  CMS_SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(8789),
  GA4_SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(8790),
  BRANDWATCH_SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(8791),
});

/** The Zendesk simulator's tickets, and the row limit its connector's first cycle crosses. */
const ZENDESK_TICKETS = 2_000;
const ZENDESK_MAX_ROWS_PER_CYCLE = 1_000;

/** SendGrid batches about every 30 s; the demo sends a batch that often. */
const SENDGRID_BATCH_EVERY_MS = 30_000;

export type DemoConnector = Omit<CreateConnectorBody, 'userId'>;

export interface DemoSources {
  /** One connector per source, to create (or bring up to date) through the API. */
  connectors: DemoConnector[];
  /** Starts posting signed SendGrid batches to the connector's webhook URL. */
  startSendgrid(webhookUrl: string): void;
  /** Where each simulator listens, for the start-up banner. */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export async function startDemoSources(env: NodeJS.ProcessEnv = process.env): Promise<DemoSources> {
  const ports = portsSchema.parse(env);
  const [zendesk, cms, ga4, brandwatch] = await Promise.all([
    startZendeskSimulator({ port: ports.ZENDESK_SIM_PORT, tickets: ZENDESK_TICKETS }),
    startCmsSimulator({ port: ports.CMS_SIM_PORT }),
    startGa4Simulator({ port: ports.GA4_SIM_PORT }),
    startBrandwatchSimulator({ port: ports.BRANDWATCH_SIM_PORT }),
  ]);
  const signingKey = createSendgridSigningKey();
  let sendgridTimer: NodeJS.Timeout | undefined;
  const destination = { kind: 'duckdb', schema: 'marketing' } as const;
  const guardrails = { maxInvalidShare: 0.3 };

  const connectors: DemoConnector[] = [
    {
      name: 'Demo Zendesk tickets',
      description: `Support tickets from the local Zendesk simulator, status mapped to sentiment. Its first cycle reads all ${ZENDESK_TICKETS} tickets, over its ${ZENDESK_MAX_ROWS_PER_CYCLE}-row limit: it waits for a manager on the Approvals page.`,
      configuration: {
        // Issued at every start: a demo token never reaches its 30-day rotation.
        source: { kind: 'zendesk', baseUrl: zendesk.url, ...zendesk.credentials, apiTokenIssuedAt: new Date().toISOString().slice(0, 10) },
        destination,
        // A first load larger than a cycle may load alone is what a manager is asked about: the demo shows a gate at once.
        guardrails: { ...guardrails, maxRowsPerCycle: ZENDESK_MAX_ROWS_PER_CYCLE },
        automationLevel: 'approve-on-breach',
      },
    },
    {
      name: 'Demo CMS content views',
      description: 'Content views over GraphQL from the local CMS simulator.',
      configuration: { source: { kind: 'cms', endpoint: cms.endpoint, accessToken: cms.accessToken }, destination, guardrails },
    },
    {
      name: 'Demo GA4 property',
      description: 'Daily metrics and real-time events from the local GA4 Data API simulator.',
      configuration: {
        source: { kind: 'ga4', propertyId: ga4.propertyId, accessToken: ga4.accessToken, apiEndpoint: ga4.url },
        destination,
        guardrails,
      },
    },
    {
      name: 'Demo Brandwatch mentions',
      description: 'Social mentions with sentiment from the local Brandwatch simulator.',
      configuration: {
        source: {
          kind: 'brandwatch',
          apiUrl: brandwatch.url,
          ...brandwatch.credentials,
          projectId: brandwatch.projectId,
          queryIds: brandwatch.queryIds,
        },
        destination,
        guardrails,
      },
    },
    {
      name: 'Demo SendGrid events',
      description: 'Signed SendGrid event webhooks, posted by the demo every 30 seconds.',
      configuration: { source: { kind: 'sendgrid', publicKey: signingKey.publicKey }, destination, guardrails },
    },
  ];

  return {
    connectors,
    urls: { Zendesk: zendesk.url, CMS: cms.endpoint, GA4: ga4.url, Brandwatch: brandwatch.url },
    startSendgrid(webhookUrl) {
      const sender: SendgridSender = createSendgridSender(webhookUrl, signingKey);
      let batch = 0;
      // A new seed per batch: new events, not redeliveries (which the inbox would count as duplicates).
      const send = (): void => void sender.deliver(generateSendgridEvents(50, { seed: Date.now() + batch++ })).catch(() => undefined);
      send();
      sendgridTimer = setInterval(send, SENDGRID_BATCH_EVERY_MS);
    },
    async stop() {
      clearInterval(sendgridTimer);
      await Promise.all([zendesk.stop(), cms.stop(), ga4.stop(), brandwatch.stop()]);
    },
  };
}
