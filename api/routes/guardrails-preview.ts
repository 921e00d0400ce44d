/** POST /:id/guardrails/preview: what a proposed configuration would have done to the latest figures. */
import { z } from 'zod';
import { gateFiguresSchema } from '../../activities/store/approval-schemas';
import { automationLevelSchema, guardrailsSchema, type GateVerdict } from '../../domain/guardrails';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { judgeSamples, latestFigures, type GateSettings, type GuardrailPreview } from '../guardrail-preview';
import { requireConnector } from '../load-connector';
import { connectorNotFound } from '../response-schemas';
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

const gateSettingsSchema = z.object({ guardrails: guardrailsSchema, automationLevel: automationLevelSchema });

const judgementSchema = z.object({
  breaches: z.array(
    z.object({
      guardrail: z.string(),
      limit: z.union([z.number(), z.string()]),
      actual: z.union([z.number(), z.string()]),
      severity: z.enum(['approve', 'block']),
    }),
  ),
  verdict: z.enum(['load', 'load-and-alert', 'await-approval', 'block', 'dry-run', 'skip-cycle']) satisfies z.ZodType<GateVerdict>,
});

const judgedSampleSchema = z.object({
  stream: z.string(),
  basis: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('approval'), approvalId: z.string(), workflowId: z.string(), openedAt: z.string() }),
    z.object({ kind: z.literal('run-report'), workflowId: z.string(), startedAt: z.string(), estimated: z.array(z.string()) }),
  ]),
  figures: gateFiguresSchema,
  current: judgementSchema,
  proposed: judgementSchema,
});

const previewSchema = z.object({
  connectorId: z.string(),
  current: gateSettingsSchema,
  proposed: gateSettingsSchema,
  figures: z.array(judgedSampleSchema).nullable().describe('null before the first cycle: there is nothing to judge yet'),
  message: z.string().optional(),
});

export const previewGuardrailsRoute = defineRoute({
  method: 'POST',
  path: '/:id/guardrails/preview',
  operationId: 'previewGuardrails',
  summary: 'What the latest figures would trigger under the current and a proposed configuration',
  description: 'Guardrail fields given replace the current ones; a field left out keeps its value. Nothing is changed.',
  tag: 'connectors',
  request: { params: connectorIdParamsSchema, body: { schema: guardrailsPreviewBodySchema, required: false } },
  responses: {
    200: {
      description: 'breaches and verdict per figure set under both configurations; figures null before the first cycle',
      schema: previewSchema,
    },
    404: connectorNotFound,
  },
});

export function guardrailPreviewRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(previewGuardrailsRoute, async (req, res) => {
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
    reply(res, previewGuardrailsRoute, 200, preview);
  });
  return routes;
}
