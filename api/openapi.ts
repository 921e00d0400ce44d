/**
 * GET /api/v1/openapi.json: built from the very zod schemas that validate the requests, so the
 * document cannot drift from what the API accepts.
 */
import { z } from 'zod';
import { createConnectorSchema, updateConnectorSchema } from '../domain/connector';
import { errorResponseSchema } from './errors';
import { CONNECTORS_PATH } from './routes/connectors';
import { RUNS_PATH } from './routes/runs';
import { connectorIdParamsSchema, userIdParamsSchema } from './schemas';

type JsonObject = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io });

/** What the connector endpoints return: the stored config, credentials redacted. */
const connectorResponseSchema = createConnectorSchema.extend({
  id: z.uuid(),
  description: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const json = (schema: JsonObject, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema } },
});

const error = (description: string): JsonObject => json(jsonSchema(errorResponseSchema), description);

const pathParameters = (schema: z.ZodObject): JsonObject[] =>
  Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'path', required: true, schema: jsonSchema(field) }));

const connector = json(jsonSchema(connectorResponseSchema, 'output'), 'the connector, credentials redacted');
const idParams = pathParameters(connectorIdParamsSchema);
const notFound = error('no connector with that id');
const badRequest = error('invalid body or path parameter: each bad field named with its rule');
const temporalDown = error('Temporal is unreachable; nothing was changed');

export function openApiDocument(): JsonObject {
  return {
    openapi: '3.0.3',
    info: { title: 'Insight Hub API', version: '1.0.0' },
    paths: {
      [CONNECTORS_PATH]: {
        post: {
          summary: "Create a connector configuration and its Temporal Schedule",
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(createConnectorSchema) } } },
          responses: { 201: connector, 400: badRequest, 503: temporalDown },
        },
      },
      [`${CONNECTORS_PATH}/user/{userId}`]: {
        get: {
          summary: "List a user's connector configurations",
          parameters: pathParameters(userIdParamsSchema),
          responses: { 200: json(jsonSchema(z.object({ connectors: z.array(connectorResponseSchema) }), 'output'), 'the connectors') },
        },
      },
      [`${CONNECTORS_PATH}/{id}`]: {
        get: { summary: 'Get a connector configuration', parameters: idParams, responses: { 200: connector, 400: badRequest, 404: notFound } },
        put: {
          summary: 'Update a connector configuration and its schedule (interval, paused state)',
          parameters: idParams,
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(updateConnectorSchema) } } },
          responses: { 200: connector, 400: badRequest, 404: notFound, 503: temporalDown },
        },
        delete: {
          summary: 'Delete a connector configuration and its schedule',
          parameters: idParams,
          responses: { 204: { description: 'deleted' }, 400: badRequest, 404: notFound, 503: temporalDown },
        },
      },
      [`${CONNECTORS_PATH}/{id}/analyze`]: {
        get: {
          summary: 'Figures from the store (rows loaded, quarantined share by rule, freshness, runs, failures) and the schedule state',
          parameters: idParams,
          responses: { 200: { description: 'the analysis' }, 400: badRequest, 404: notFound },
        },
      },
      [`${CONNECTORS_PATH}/{id}/runs`]: {
        post: {
          summary: 'Start an ingestion cycle now',
          parameters: idParams,
          responses: {
            202: json(jsonSchema(z.object({ workflowId: z.string(), runId: z.string() })), 'the started workflow'),
            400: badRequest,
            404: notFound,
            409: error('a cycle was started at the same instant'),
            503: temporalDown,
          },
        },
      },
      [`${RUNS_PATH}/{workflowId}`]: {
        get: {
          summary: "A cycle's report: live (workflow query) while running, the stored report once closed",
          parameters: [
            { name: 'workflowId', in: 'path', required: true, description: 'URL-encoded workflow id', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'the run and its report' }, 404: error('no ingestion cycle with that workflow id') },
        },
      },
      '/healthz': {
        get: {
          summary: 'Store and Temporal connectivity',
          responses: { 200: { description: 'all checks ok' }, 503: { description: 'names the failing checks' } },
        },
      },
    },
  };
}
