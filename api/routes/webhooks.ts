/**
 * Webhooks pushed to us. SendGrid's Event Webhook: the raw body is kept for the signature, the
 * delivery is judged, stored durably in the inbox, and only then answered 2xx; the connector's drain
 * workflow is woken by signal-with-start. A refused delivery stores nothing.
 */
import { Router, raw } from 'express';
import { judgeSendgridDelivery } from '../../activities/webhooks/sendgrid-delivery';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../activities/webhooks/signature';
import type { Connector } from '../../domain/connector';
import { wakeDrain } from '../cycles';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, notFound, validationFailed } from '../errors';
import { callTemporal } from '../temporal-calls';

export const WEBHOOKS_PATH = '/webhooks';

/** SendGrid's batches stay under about 1 MB; this leaves room without inviting abuse. */
const MAX_BODY = '5mb';

const unauthorized = (reason: string): ApiError => new ApiError(401, 'unauthorized', reason);

export function webhookRoutes(deps: ResolvedApiDeps): Router {
  const router = Router();
  router.post('/sendgrid/:connectorId', raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const receivedAt = new Date();
    const { connectorId } = req.params;
    const connector = await deps.store.getConnector(connectorId);
    const source = connector?.configuration.source;
    // One answer for an unknown connector and one of another kind: the URL reveals nothing.
    if (!connector || source?.kind !== 'sendgrid') throw notFound(`no SendGrid connector with id ${connectorId}`);

    const verdict = judgeSendgridDelivery(source, {
      connectorId,
      receivedAt,
      signature: req.get(SIGNATURE_HEADER),
      timestamp: req.get(TIMESTAMP_HEADER),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    switch (verdict.outcome) {
      case 'unauthorized':
        deps.logger.warn({ connectorId, reason: verdict.reason }, 'SendGrid delivery refused');
        throw unauthorized(verdict.reason);
      case 'not-json':
        throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
      case 'invalid':
        throw validationFailed(`invalid events: ${[...new Set(verdict.issues.map((issue) => issue.path))].join(', ')}`, verdict.issues);
      case 'accepted': {
        const receipt = await deps.store.storeInboxEvents(verdict.delivery);
        // Stored before the drain is woken: if waking fails, SendGrid's retry stores nothing new and wakes it again.
        await callTemporal(deps.temporal, 'the events are stored but their drain was not woken; the sender will retry', () =>
          wakeDrain(deps.temporal, connector, deps.workflowTaskQueue),
        );
        deps.logger.info({ connectorId, ...receipt }, 'SendGrid delivery stored');
        res.status(200).json({ received: verdict.delivery.events.length, ...receipt });
      }
    }
  });
  return router;
}

