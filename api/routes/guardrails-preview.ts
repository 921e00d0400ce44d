/** POST /:id/guardrails/preview: what a proposed configuration would have done to the latest figures. */
import { Router } from 'express';
import { z } from 'zod';
import { guardrailsSchema } from '../../domain/guardrails';
import type { ResolvedApiDeps } from '../deps';
import { judgeSamples, latestFigures, type GateSettings, type GuardrailPreview } from '../guardrail-preview';
import { requireConnector } from '../load-connector';
import { CONNECTORS_PATH } from './connectors';
import { connectorIdParamsSchema, guardrailsPreviewBodySchema } from '../schemas';
import { parseRequest } from '../validation';

/**
 * The fields the client sent, as sent. guardrailsSchema.partial() fills in its defaults, which would
 * silently replace current limits the client never named; the values were validated by then.
 */
const sentGuardrailsSchema = z.object({ guardrails: z.record(z.string(), z.unknown()).default({}) });

const noFiguresYet = (id: string): string =>
  `no cycle has run yet, so there are no figures to judge: start one (POST ${CONNECTORS_PATH}/${id}/runs) or wait for the schedule`;

export function guardrailPreviewRoutes({ store }: ResolvedApiDeps): Router {
  const router = Router();
  router.post('/:id/guardrails/preview', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const body = parseRequest(guardrailsPreviewBodySchema, req.body ?? {}, 'body');
    const { guardrails: sent } = sentGuardrailsSchema.parse(req.body ?? {});
    const connector = await requireConnector(store, id);
    const current: GateSettings = {
      guardrails: connector.configuration.guardrails,
      automationLevel: connector.configuration.automationLevel,
    };
    const proposed: GateSettings = {
      guardrails: parseRequest(guardrailsSchema, { ...current.guardrails, ...sent }, 'body'),
      automationLevel: body.automationLevel ?? current.automationLevel,
    };
    const samples = await latestFigures(store, connector);
    const preview: GuardrailPreview =
      samples.length === 0
        ? { connectorId: id, current, proposed, figures: null, message: noFiguresYet(id) }
        : { connectorId: id, current, proposed, figures: judgeSamples(samples, current, proposed) };
    res.json(preview);
  });
  return router;
}
