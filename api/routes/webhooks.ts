/**
 * Webhooks pushed to us. SendGrid's Event Webhook: the raw body is kept for the signature, the
 * delivery is judged event by event, its valid events not of an erased subject stored durably in the
 * inbox, and only then answered; the connector's drain workflow is woken by signal-with-start. A
 * delivery refused as a whole stores nothing; one with bad events stores the others and answers 400
 * naming the bad ones (SendGrid's retries of it find the others stored), which the audit log keeps.
 */
import { raw } from 'express';
import { z } from 'zod';
import type { InboxDelivery, InboxReceipt } from '../../activities/store/inbox';
import { judgeSendgridDelivery, type DeliveryVerdict, type EventIssue } from '../../activities/sources/sendgrid/delivery';
import { sendgridEventArraySchema } from '../../activities/sources/sendgrid/events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../activities/sources/sendgrid/signature';
import { withoutSuppressed } from '../../activities/sources/sendgrid/suppressed-events';
import type { Connector } from '../../domain/connector';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import { wakeDrain } from '../cycles';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, errorResponseSchema, notFound, validationFailed } from '../errors';
import { unsupportedMediaType } from '../json-body';
import { errorAnswer } from '../response-schemas';
import { parseRequest } from '../validation';
import { callTemporal } from '../temporal-calls';
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

const sendgridParamsSchema = z.object({ connectorId: z.string().describe("the SendGrid connector's id") });

export const sendgridWebhookRoute = defineRoute({
  method: 'POST',
  path: '/sendgrid/:connectorId',
  operationId: 'receiveSendgridEvents',
  summary: "SendGrid's Event Webhook: each event judged on its own, the valid ones stored in the connector's inbox and its drain woken",
  description:
    'Signed by SendGrid (ECDSA over the timestamp and the raw body) when the connector has a public key. A delivery with bad events ' +
    'stores the others and answers 400 naming the bad ones; SendGrid’s retry of it finds the others stored.',
  tag: 'webhooks',
  request: {
    params: sendgridParamsSchema,
    headers: z.object({
      [SIGNATURE_HEADER]: z.string().optional().describe('base64 ECDSA signature; required when the connector has a public key'),
      [TIMESTAMP_HEADER]: z.string().optional().describe('Unix seconds the signature covers'),
    }),
    body: { schema: sendgridEventArraySchema, required: true, description: 'a JSON array of SendGrid events' },
  },
  responses: {
    200: { description: 'every event taken', schema: receiptSchema },
    400: {
      description: 'the body is not JSON, or events are refused (named with their rule; the others are taken, the counts say so)',
      schema: partlyRefusedSchema,
    },
    401: errorAnswer('the signature is missing, stale or does not verify'),
    404: errorAnswer('no SendGrid connector with that id'),
  },
  temporal: 'the events are stored but their drain was not woken; the sender will retry',
});

export function webhookRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(sendgridWebhookRoute, raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const receivedAt = new Date();
    const { connectorId } = parseRequest(sendgridParamsSchema, req.params, 'path parameters');
    const connector = await deps.store.connectors.get(connectorId);
    const source = connector?.configuration.source;
    // One answer for an unknown connector and one of another kind: the URL reveals nothing.
    if (!connector || source?.kind !== 'sendgrid') throw notFound(`no SendGrid connector with id ${connectorId}`);

    const verdict = judgeSendgridDelivery(source, {
      connectorId,
      receivedAt,
      signature: req.get(SIGNATURE_HEADER),
      timestamp: req.get(TIMESTAMP_HEADER),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      contentType: req.get('content-type'),
    });
    if (verdict.outcome !== 'judged') webhookDeliveriesRefused.inc({ source: 'sendgrid', reason: verdict.outcome });
    switch (verdict.outcome) {
      case 'unauthorized':
        deps.logger.warn({ connectorId, reason: verdict.reason }, 'SendGrid delivery refused');
        throw unauthorized(verdict.reason);
      case 'unsupported-media-type':
        throw unsupportedMediaType(verdict.reason);
      case 'not-json':
        throw new ApiError(400, 'invalid_json', verdict.issue.message, [verdict.issue]);
      case 'invalid':
        throw refusedEvents(verdict.issues, 'nothing was stored');
      case 'judged': {
        const taken = await takeEvents(deps, connector, verdict);
        if (taken.status === 200) reply(res, sendgridWebhookRoute, 200, taken.body);
        else reply(res, sendgridWebhookRoute, 400, taken.body);
      }
    }
  });
  return routes;
}

type Taken = { status: 200; body: z.input<typeof receiptSchema> } | { status: 400; body: z.input<typeof partlyRefusedSchema> };

/**
 * Stores the valid events not of an erased subject, then answers 200, or 400 naming the refused
 * events and saying what became of the others.
 */
async function takeEvents(
  deps: ResolvedApiDeps,
  connector: Connector,
  { delivery: valid, refused, issues }: Extract<DeliveryVerdict, { outcome: 'judged' }>,
): Promise<Taken> {
  const { delivery, suppressed } = withoutSuppressed(valid, await deps.store.privacy.loadSuppressionList());
  const receipt = await storeAndWake(deps, connector, delivery);
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

async function storeAndWake(deps: ResolvedApiDeps, connector: Connector, delivery: InboxDelivery): Promise<InboxReceipt> {
  if (delivery.events.length === 0) return NOTHING_STORED;
  const receipt = await deps.store.inbox.save(delivery);
  // Stored before the drain is woken: if waking fails, SendGrid's retry stores nothing new and wakes it again.
  await callTemporal(deps.temporal, 'the events are stored but their drain was not woken; the sender will retry', () =>
    wakeDrain(deps.temporal, connector, deps.workflowTaskQueue),
  );
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
