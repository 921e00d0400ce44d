/**
 * Rotating a Zendesk connector's API token without a failed cycle: the new token is asked of Zendesk
 * first, and only a token Zendesk accepts replaces the stored one (sealed, with the day it was
 * issued, which restarts the 30-day rotation clock and its alerts). Every page a cycle reads loads
 * the connector anew, so a cycle running meanwhile goes on with the new token from its next page;
 * the old token keeps working in Zendesk until it is deleted there, so none of its pages fails.
 */
import { z } from 'zod';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { zendeskBaseUrl } from '../../activities/sources/zendesk/definition';
import { checkZendeskToken } from '../../activities/sources/zendesk/token-check';
import { redactConnector } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { defineRoute, reply, type RouteBuilder } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, notFound, validationFailed } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorNotFound, connectorResponseSchema, errorAnswer } from '../response-schemas';
import { connectorIdParamsSchema } from '../schemas';
import { parseRequest } from '../validation';

/** Zendesk answers a token check in well under this; past it the old token stays. */
const TOKEN_CHECK_TIMEOUT_MS = 10_000;

const rotationBodySchema = z.strictObject({
  apiToken: z.string().min(1, 'must be the new API token').max(512),
  /** When the token was created in Zendesk; now when left out. */
  issuedAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
});

export const rotateZendeskTokenRoute = defineRoute({
  method: 'POST',
  path: '/:id/zendesk-token',
  operationId: 'rotateZendeskToken',
  summary: "Rotate a Zendesk connector's API token: checked against Zendesk, then swapped in (audited, never shown)",
  description:
    'The new token is asked of Zendesk (GET /api/v2/users/me.json) first; a token Zendesk refuses is a 400 and the stored one stays. ' +
    'A cycle running meanwhile reads its next page with the new token. Delete the old token in Zendesk afterwards.',
  tag: 'connectors',
  request: { params: connectorIdParamsSchema, body: { schema: rotationBodySchema, required: true, description: 'the new token' } },
  responses: {
    200: { description: 'the connector with its new token (redacted) and issue date', schema: connectorResponseSchema },
    400: errorAnswer('the body is invalid, the connector does not read Zendesk, or Zendesk refuses the token'),
    404: connectorNotFound,
    503: errorAnswer('Zendesk could not be asked now; the stored token stays'),
  },
});

export function serveZendeskTokenRotation(routes: RouteBuilder, deps: ResolvedApiDeps): void {
  routes.serve(rotateZendeskTokenRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const { apiToken, issuedAt } = parseRequest(rotationBodySchema, req.body, 'body');
    const connector = await requireConnector(deps.store, id);
    const source = connector.configuration.source;
    if (source.kind !== 'zendesk') {
      throw validationFailed(`connector ${id} reads ${source.kind}, not Zendesk`, [
        { path: 'configuration.source.kind', message: 'must be zendesk to rotate a Zendesk token', rule: 'invalid_value' },
      ]);
    }
    await askZendesk(zendeskBaseUrl(source), source.email, apiToken);
    const rotated = { ...source, apiToken, apiTokenIssuedAt: issuedAt ?? new Date().toISOString() };
    const updated = await deps.store.connectors.update(id, { configuration: { ...connector.configuration, source: rotated } });
    if (!updated) throw notFound(`no data warehouse connector with id ${id}`);
    await recordApiActivity(
      deps.store,
      updated,
      'connector.token-rotated',
      { source: 'zendesk', issuedAt: rotated.apiTokenIssuedAt },
      principalOf(req),
    );
    reply(res, rotateZendeskTokenRoute, 200, redactConnector(updated));
  });
}

/** A refused token is the caller's 400; Zendesk unreachable, slow or throttled is a 503 and nothing changes. */
async function askZendesk(baseUrl: string, email: string, apiToken: string): Promise<void> {
  try {
    await checkZendeskToken(baseUrl, email, apiToken, AbortSignal.timeout(TOKEN_CHECK_TIMEOUT_MS));
  } catch (error) {
    if (error instanceof ConnectorError && !(error instanceof RateLimitedError) && error.category === 'auth') {
      throw validationFailed(`Zendesk refused the new token: ${error.message}`, [
        { path: 'apiToken', message: `Zendesk refused it: ${error.hint ?? error.message}`, rule: 'refused_by_zendesk' },
      ]);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(503, 'zendesk_unavailable', `Zendesk could not check the token (${reason}); the stored token stays`);
  }
}
