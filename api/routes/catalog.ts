/**
 * Discovery: the streams a source account offers, with their fields, types, primary keys and cursor
 * candidates, for a draft source config (before a connector exists) or for a connector. The
 * account is asked live through the source's plug-in; a refusal is the account's answer, not ours.
 */
import { z } from 'zod';
import { discoverCatalog } from '../../activities/sources/catalog';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { ChoicesRefusedError, type SourcePlugin } from '../../activities/sources/types';
import { choicesRefused } from '../account-check';
import { sourceCatalogSchema, type SourceCatalog } from '../../domain/catalog';
import { sourceSchema, type SourceConfig, type SourceKind } from '../../domain/connector';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { ApiError } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorNotFound, errorAnswer } from '../response-schemas';
import { connectorIdParamsSchema } from '../schemas';
import { parseRequest } from '../validation';

export const CATALOG_PATH = '/api/v1/catalog';

/** How long the account may take to answer before the API gives up (the caller can ask again). */
const DISCOVERY_TIMEOUT_MS = 30_000;

const discoverBodySchema = z.object({ source: sourceSchema });

const accountAnswers = {
  200: { description: 'the streams the account offers', schema: sourceCatalogSchema },
  502: errorAnswer("the account refused (credentials, permissions, the config's URL): the message says what to check"),
  503: errorAnswer('the account did not answer, or throttled the request: try again later'),
} as const;

export const discoverCatalogRoute = defineRoute({
  method: 'POST',
  path: '/discover',
  operationId: 'discoverCatalog',
  summary: 'The streams, fields, types, primary keys and cursor candidates a source account offers, for a draft source config',
  tag: 'connectors',
  request: { body: { schema: discoverBodySchema, required: true, description: "a connector's `source` block" } },
  responses: accountAnswers,
});

export const connectorCatalogRoute = defineRoute({
  method: 'GET',
  path: '/:id/catalog',
  operationId: 'getConnectorCatalog',
  summary: "The streams, fields, types, primary keys and cursor candidates a connector's source account offers",
  tag: 'connectors',
  request: { params: connectorIdParamsSchema },
  responses: { ...accountAnswers, 404: connectorNotFound },
});

/** The account's refusal as the API's answer: it names what the source said and what to check. */
function accountRefusal(error: unknown, source: SourceConfig, sourcePath: readonly string[]): ApiError | null {
  if (error instanceof ChoicesRefusedError) return choicesRefused(source.kind, error.choices, sourcePath);
  if (error instanceof RateLimitedError || (error instanceof ConnectorError && error.category === 'transient')) {
    return new ApiError(503, 'source_unavailable', `the source account did not answer the discovery: ${error.message}`);
  }
  if (error instanceof ConnectorError) {
    return new ApiError(502, `source_refused_${error.category}`, `the source account refused the discovery: ${error.message}`);
  }
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new ApiError(503, 'source_unavailable', `the source account did not answer within ${DISCOVERY_TIMEOUT_MS / 1000} s`);
  }
  return null;
}

export function catalogRoutes(plugins: Record<SourceKind, SourcePlugin>) {
  /** `sourcePath`: where the request holds the source block, for a 400 naming its fields. */
  async function discover(source: SourceConfig, sourcePath: readonly string[]): Promise<SourceCatalog> {
    try {
      return await discoverCatalog(plugins[source.kind], source, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
    } catch (error) {
      throw accountRefusal(error, source, sourcePath) ?? error;
    }
  }

  return {
    /** Mounted under CATALOG_PATH. */
    draft(): DescribedRouter {
      const routes = describedRouter();
      routes.serve(discoverCatalogRoute, async (req, res) => {
        const { source } = parseRequest(discoverBodySchema, req.body, 'body');
        reply(res, discoverCatalogRoute, 200, await discover(source, ['source']));
      });
      return routes;
    },
    /** Mounted under CONNECTORS_PATH. */
    connector({ store }: Pick<ResolvedApiDeps, 'store'>): DescribedRouter {
      const routes = describedRouter();
      routes.serve(connectorCatalogRoute, async (req, res) => {
        const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
        const connector = await requireConnector(store, id);
        reply(res, connectorCatalogRoute, 200, await discover(connector.configuration.source, ['configuration', 'source']));
      });
      return routes;
    },
  };
}
