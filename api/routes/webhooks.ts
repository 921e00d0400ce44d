/**
 * Webhooks pushed to us, both through the connector's durable inbox and its drain workflow. Zendesk's
 * ticket events: one signed event per request, stored (once per event id) or refused whole.
 * SendGrid's Event Webhook: the raw body is kept for the signature, the
 * delivery is judged event by event, its valid events not of an erased subject stored durably in the
 * inbox, and only then answered; the connector's drain workflow is woken by signal-with-start. A
 * delivery refused as a whole stores nothing; one with bad events stores the others and answers 400
 * naming the bad ones (SendGrid's retries of it find the others stored), which the audit log keeps.
 */
import { raw, type Request } from 'express';
import { z } from 'zod';
import type { InboxDelivery, InboxReceipt } from '../../activities/store/inbox';
import {
  judgeSendgridDelivery,
  type DeliveryRefusal,
  type DeliveryVerdict,
  type EventIssue,
  type IncomingDelivery,
} from '../../activities/sources/sendgrid/delivery';
import { sendgridEventArraySchema } from '../../activities/sources/sendgrid/events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../activities/sources/sendgrid/signature';
import { withoutSuppressed } from '../../activities/sources/sendgrid/suppressed-events';
import { judgeZendeskEvent, zendeskTicketEventSchema, type IncomingZendeskEvent } from '../../activities/sources/zendesk/webhook-events';
import { ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER } from '../../activities/sources/zendesk/webhook-signature';
import type { Connector, SourceConfig } from '../../domain/connector';
import { defineRoute, describedRouter, reply, type DescribedRouter, type ResponseSpecs, type RouteContract } from '../contract';
import { sharedDrainWake } from '../cycles';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, errorResponseSchema, notFound, validationFailed } from '../errors';
import { unsupportedMediaType } from '../json-body';
import { errorAnswer } from '../response-schemas';
import { parseRequest } from '../validation';
import { callTemporal } from '../temporal-calls';
import { sharedRead } from '../../activities/group-while-busy';
import type { SuppressionList } from '../../activities/privacy/suppression';
import { webhookDeliveriesRefused } from '../../activities/observability/metrics';
import { countWebhookEvents } from '../../activities/observability/record';

export const WEBHOOKS_PATH = '/webhooks';

/** SendGrid's batches stay under about 1 MB; this leaves room without inviting abuse. */
const MAX_BODY = '5mb';

const unauthorized = (reason: string): ApiError => new ApiError(401, 'unauthorized', reason);

const receiptSchema = z.object({
  received: z.number().describe('events in the delivery'),
  stored: z.number().describe('events new to the inbox'),
  duplicates: z.number().describe('events it already held (redeliveries)'),
  quarantined: z.number().describe('of the stored events, those marked for quarantine'),
  suppressed: z.number().describe('events of an erased subject, kept out'),
});

/** Some events refused: they are named, and the answer says what became of the others. */
const partlyRefusedSchema = errorResponseSchema.extend({ ...receiptSchema.partial().shape, refused: z.number().optional() });

/**
 * Each webhook: its source's name (for its 404 and path parameter), the headers it is signed with and
 * what they hold, and the body it receives.
 */
const WEBHOOKS = {
  sendgrid: {
    name: 'SendGrid',
    signature: { header: SIGNATURE_HEADER, holds: 'base64 ECDSA signature; required when the connector has a public key' },
    timestamp: { header: TIMESTAMP_HEADER, holds: 'Unix seconds the signature covers' },
    body: { schema: sendgridEventArraySchema, description: 'a JSON array of SendGrid events' },
  },
  zendesk: {
    name: 'Zendesk',
    signature: { header: ZENDESK_SIGNATURE_HEADER, holds: 'base64 HMAC-SHA256 signature' },
    timestamp: { header: ZENDESK_TIMESTAMP_HEADER, holds: 'ISO-8601 time the signature covers' },
    body: { schema: zendeskTicketEventSchema, description: 'a Zendesk ticket event' },
  },
} as const;

type WebhookSource = keyof typeof WEBHOOKS;

/** The connector a delivery is for, by its id in the path. */
const connectorIdOf = (name: string) => z.object({ connectorId: z.string().describe(`the ${name} connector's id`) });
const PARAMS_OF = { sendgrid: connectorIdOf(WEBHOOKS.sendgrid.name), zendesk: connectorIdOf(WEBHOOKS.zendesk.name) };

/** What a webhook's route says of itself; webhookRoute adds what follows from its source. */
type WebhookContract<R extends ResponseSpecs> = Pick<RouteContract<R>, 'operationId' | 'summary' | 'description' | 'responses'> & {
  /** What is not done when the drain cannot be woken: the 503 says so, documented and sent alike. */
  temporal: string;
};

/**
 * A webhook's route: a POST to /<source>/:connectorId, signed with the headers WEBHOOKS names, its
 * body, and a 404 for an id that names no connector of that source.
 */
function webhookRoute<const R extends ResponseSpecs>(kind: WebhookSource, contract: WebhookContract<R>) {
  const { name, signature, timestamp, body } = WEBHOOKS[kind];
  const headers = z.object({
    [signature.header]: z.string().optional().describe(signature.holds),
    [timestamp.header]: z.string().optional().describe(timestamp.holds),
  });
  return defineRoute({
    ...contract,
    method: 'POST',
    path: `/${kind}/:connectorId`,
    tag: 'webhooks',
    request: { params: PARAMS_OF[kind], headers, body: { ...body, required: true } },
    responses: { ...contract.responses, 404: errorAnswer(`no ${name} connector with that id`) },
  });
}

export const sendgridWebhookRoute = webhookRoute('sendgrid', {
  operationId: 'receiveSendgridEvents',
  summary: "SendGrid's Event Webhook: each event judged on its own, the valid ones stored in the connector's inbox and its drain woken",
  description:
    'Signed by SendGrid (ECDSA over the timestamp and the raw body) when the connector has a public key. A delivery with bad events ' +
    'stores the others and answers 400 naming the bad ones; SendGrid’s retry of it finds the others stored.',
  responses: {
    200: { description: 'every event taken', schema: receiptSchema },
    400: {
      description: 'the body is not JSON, or events are refused (named with their rule; the others are taken, the counts say so)',
      schema: partlyRefusedSchema,
    },
    401: errorAnswer('the signature is missing, stale or does not verify'),
  },
  temporal: 'the events are stored but their drain was not woken; the sender will retry',
});

const zendeskReceiptSchema = receiptSchema.pick({ received: true, stored: true, duplicates: true });

export const zendeskWebhookRoute = webhookRoute('zendesk', {
  operationId: 'receiveZendeskTicketEvent',
  summary: "A Zendesk ticket event webhook: the event stored in the connector's inbox and its drain woken, to load the ticket in seconds",
  description:
    'Signed by Zendesk (base64 HMAC-SHA256 under the webhook’s signing secret over the timestamp header and the raw body). ' +
    'One `zen:event-type:ticket.*` event per request; a redelivery of an event stores nothing new. A bad event is refused whole.',
  responses: {
    200: { description: 'the event taken (or already held)', schema: zendeskReceiptSchema },
    400: errorAnswer('the body is not JSON or not a ticket event (each bad field named with its rule); nothing was stored'),
    401: errorAnswer('the signature is missing, stale or does not verify, or the connector has no signing secret'),
  },
  temporal: 'the event is stored but its drain was not woken; Zendesk will retry',
});

/** Zendesk's ticket events are small; this leaves room for a long description without inviting abuse. */
const MAX_ZENDESK_BODY = '256kb';

export function webhookRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  const wake = sharedDrainWake(deps.temporal, deps.workflowTaskQueue);
  // Concurrent deliveries share the reads every delivery makes (each answer read after it arrived).
  const connectorById = sharedRead((connectorId: string) => deps.store.connectors.get(connectorId));
  const suppressionList = sharedRead<void, SuppressionList>(() => deps.store.privacy.loadSuppressionList());
  routes.serve(zendeskWebhookRoute, raw({ type: () => true, limit: MAX_ZENDESK_BODY }), async (req, res) => {
    const { connector, source, incoming } = await incomingDelivery(req, 'zendesk', connectorById);
    const verdict = judgeZendeskEvent(source.signingSecret, incoming);
    if (verdict.outcome !== 'accepted') throw refusal(deps, 'zendesk', connector.id, verdict);
    const receipt = await storeAndWake(deps, wake, connector, verdict.delivery, zendeskWebhookRoute.temporal);
    countWebhookEvents('zendesk', { accepted: receipt.stored, duplicate: receipt.duplicates, refused: 0 });
    reply(res, zendeskWebhookRoute, 200, { received: 1, stored: receipt.stored, duplicates: receipt.duplicates });
  });
  routes.serve(sendgridWebhookRoute, raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const { connector, source, incoming } = await incomingDelivery(req, 'sendgrid', connectorById);
    const verdict = judgeSendgridDelivery(source, incoming);
    if (verdict.outcome !== 'judged') throw refusal(deps, 'sendgrid', connector.id, verdict);
    const taken = await takeEvents(deps, { wake, suppressionList }, connector, verdict);
    if (taken.status === 200) reply(res, sendgridWebhookRoute, 200, taken.body);
    else reply(res, sendgridWebhookRoute, 400, taken.body);
  });
  return routes;
}

type SourceOf<K extends WebhookSource> = Extract<SourceConfig, { kind: K }>;

const isSourceOf = <K extends WebhookSource>(source: SourceConfig | undefined, kind: K): source is SourceOf<K> => source?.kind === kind;

/**
 * A delivery to a connector's webhook: the connector, which must be of the webhook's source (one
 * answer for an unknown connector and one of another kind: the URL reveals nothing), and the
 * request as its signature covers it.
 */
async function incomingDelivery<K extends WebhookSource>(
  req: Request,
  kind: K,
  connectorById: (connectorId: string) => Promise<Connector | null>,
): Promise<{ connector: Connector; source: SourceOf<K>; incoming: IncomingDelivery & IncomingZendeskEvent }> {
  const receivedAt = new Date();
  const { connectorId } = parseRequest(PARAMS_OF[kind], req.params, 'path parameters');
  const connector = await connectorById(connectorId);
  const source = connector?.configuration.source;
  const signed = WEBHOOKS[kind];
  if (!connector || !isSourceOf(source, kind)) throw notFound(`no ${signed.name} connector with id ${connectorId}`);
  const incoming = {
    connectorId,
    receivedAt,
    signature: req.get(signed.signature.header),
    timestamp: req.get(signed.timestamp.header),
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    contentType: req.get('content-type'),
  };
  return { connector, source, incoming };
}

/** A delivery refused as a whole (nothing stored): counted, a bad signature logged, and answered with its 4xx. */
function refusal(deps: ResolvedApiDeps, source: 'sendgrid' | 'zendesk', connectorId: string, verdict: DeliveryRefusal): ApiError {
  webhookDeliveriesRefused.inc({ source, reason: verdict.outcome });
  switch (verdict.outcome) {
    case 'unauthorized':
      deps.logger.warn({ connectorId, reason: verdict.reason }, `${source} webhook delivery refused`);
      return unauthorized(verdict.reason);
    case 'unsupported-media-type':
      return unsupportedMediaType(verdict.reason);
    case 'not-json':
      return new ApiError(400, 'invalid_json', verdict.issue.message, [verdict.issue]);
    case 'invalid':
      return refusedEvents(verdict.issues, 'nothing was stored');
  }
}

type Taken = { status: 200; body: z.input<typeof receiptSchema> } | { status: 400; body: z.input<typeof partlyRefusedSchema> };

/**
 * Stores the valid events not of an erased subject, then answers 200, or 400 naming the refused
 * events and saying what became of the others.
 */
async function takeEvents(
  deps: ResolvedApiDeps,
  { wake, suppressionList }: { wake: DrainWake; suppressionList: () => Promise<SuppressionList> },
  connector: Connector,
  { delivery: valid, refused, issues }: Extract<DeliveryVerdict, { outcome: 'judged' }>,
): Promise<Taken> {
  const { delivery, suppressed } = withoutSuppressed(valid, await suppressionList());
  const receipt = await storeAndWake(deps, wake, connector, delivery, sendgridWebhookRoute.temporal);
  const taken = { received: valid.events.length + refused, ...receipt, suppressed };
  deps.logger.info({ connectorId: connector.id, ...taken, refused }, 'SendGrid delivery taken');
  countWebhookEvents('sendgrid', { accepted: receipt.stored, duplicate: receipt.duplicates, refused });
  if (refused === 0) return { status: 200, body: taken };
  await recordRefusal(deps, connector, issues, { refused, stored: receipt.stored });
  const others =
    valid.events.length === 0
      ? 'nothing was stored'
      : `its ${valid.events.length} other events were taken (stored ${receipt.stored}, already held ${receipt.duplicates}, suppressed ${suppressed})`;
  return { status: 400, body: { ...refusedEvents(issues, others).toResponse(), ...taken, refused } };
}

const NOTHING_STORED: InboxReceipt = { stored: 0, duplicates: 0, quarantined: 0 };

/** Wakes a connector's drain; concurrent deliveries share one Temporal call (sharedDrainWake). */
type DrainWake = (connector: Connector) => Promise<void>;

async function storeAndWake(
  deps: ResolvedApiDeps,
  wake: DrainWake,
  connector: Connector,
  delivery: InboxDelivery,
  notWoken: string,
): Promise<InboxReceipt> {
  if (delivery.events.length === 0) return NOTHING_STORED;
  const receipt = await deps.store.inbox.save(delivery);
  // Stored before the drain is woken: if waking fails, the sender's retry stores nothing new and wakes it again.
  await callTemporal(deps.temporal, notWoken, () => wake(connector));
  return receipt;
}

const refusedEvents = (issues: EventIssue[], outcome: string): ApiError =>
  validationFailed(`invalid events: ${[...new Set(issues.map((issue) => issue.path))].join(', ')}; ${outcome}`, issues);

/**
 * Refused events in the connector's audit log, where and why (never their content: it holds email
 * addresses), so that what SendGrid will give up on after its retries is not lost unseen.
 */
async function recordRefusal(
  { store, logger }: ResolvedApiDeps,
  connector: Connector,
  issues: EventIssue[],
  counts: { refused: number; stored: number },
): Promise<void> {
  const where = issues.map(({ path, rule }) => ({ path, rule }));
  logger.warn({ connectorId: connector.id, ...counts, issues: where }, 'SendGrid events refused');
  await store.audit.record(
    { connectorId: connector.id, userId: WEBHOOK_ACTOR },
    { activityType: 'webhook.events-refused', details: { source: 'sendgrid', ...counts, issues: where } },
  );
}

/** Who the audit log names for what a webhook delivery did: the sender, proven by its signature. */
const WEBHOOK_ACTOR = 'sendgrid-webhook';
