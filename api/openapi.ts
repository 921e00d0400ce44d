/**
 * GET /api/v1/openapi.json: built from the very zod schemas that validate the requests, so the
 * document cannot drift from what the API accepts.
 */
import { z } from 'zod';
import { connectorSettingsSchema, createConnectorSchema, updateConnectorSchema } from '../domain/connector';
import { redactedSecretSchema, withSecretFields } from '../domain/redaction';
import { errorResponseSchema } from './errors';
import { APPROVALS_PATH, approvalDecisionRequestSchema } from './routes/approvals';
import { CONNECTORS_PATH } from './routes/connectors';
import { qualityReportsQuerySchema, revalidateQuarantineBodySchema } from './routes/quarantine';
import { RUNS_PATH } from './routes/runs';
import { approvalsQuerySchema, connectorIdParamsSchema, guardrailsPreviewBodySchema, userIdParamsSchema } from './schemas';

type JsonObject = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io });

/** What the connector endpoints return: the stored config, each credential the redaction marker. */
const connectorResponseSchema = createConnectorSchema.extend({
  id: z.uuid(),
  description: z.string().nullable(),
  configuration: withSecretFields(connectorSettingsSchema, () => redactedSecretSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A PUT may send a configuration back as GET showed it: each credential the marker keeps the stored one. */
const updateConnectorBodySchema = updateConnectorSchema.extend({
  configuration: z.optional(withSecretFields(connectorSettingsSchema, (secret) => z.union([secret, redactedSecretSchema]))),
});

const json = (schema: JsonObject, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema } },
});

const error = (description: string): JsonObject => json(jsonSchema(errorResponseSchema), description);

const pathParameters = (schema: z.ZodObject): JsonObject[] =>
  Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'path', required: true, schema: jsonSchema(field) }));

const queryParameters = (schema: z.ZodObject): JsonObject[] =>
  Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'query', required: false, schema: jsonSchema(field) }));

const body = (schema: z.ZodType): JsonObject => ({ required: true, content: { 'application/json': { schema: jsonSchema(schema) } } });

const approvalIdParams = [
  {
    name: 'approvalId',
    in: 'path',
    required: true,
    description: 'URL-encoded approval id, <workflowId>~<stream>~<batch>',
    schema: { type: 'string' },
  },
];

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
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(updateConnectorBodySchema) } } },
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
            409: error('a cycle of the connector is still running (named in the message), or one was started at the same instant'),
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
      [`${CONNECTORS_PATH}/{id}/pause`]: {
        post: {
          summary: 'Pause a connector: no new cycle starts and its schedule is paused (audited)',
          parameters: idParams,
          responses: { 200: connector, 400: badRequest, 404: notFound, 503: temporalDown },
        },
      },
      [`${CONNECTORS_PATH}/{id}/resume`]: {
        post: {
          summary: 'Resume a paused connector and unpause its schedule (audited)',
          parameters: idParams,
          responses: { 200: connector, 400: badRequest, 404: notFound, 503: temporalDown },
        },
      },
      [`${CONNECTORS_PATH}/{id}/guardrails/preview`]: {
        post: {
          summary:
            'What the latest figures would trigger under the current and a proposed configuration (guardrail fields given replace the current ones)',
          parameters: idParams,
          requestBody: { ...body(guardrailsPreviewBodySchema), required: false },
          responses: {
            200: { description: 'breaches and verdict per figure set under both configurations; figures null before the first cycle' },
            400: badRequest,
            404: notFound,
          },
        },
      },
      [`${CONNECTORS_PATH}/{id}/quality-reports`]: {
        get: {
          summary: "The connector's quality reports, newest first: rows evaluated and failing per rule, rows quarantined; never record values",
          parameters: [...idParams, ...queryParameters(qualityReportsQuerySchema)],
          responses: { 200: { description: '{ reports: [...] }' }, 400: badRequest, 404: notFound },
        },
      },
      [`${CONNECTORS_PATH}/{id}/quarantine/revalidate`]: {
        post: {
          summary: "Re-validate a quality report's quarantined rows with a changed suite; rows that now pass are loaded (audited)",
          parameters: idParams,
          requestBody: body(revalidateQuarantineBodySchema),
          responses: {
            200: { description: 'what the re-validation did: rows evaluated, released, still quarantined per rule' },
            400: error('invalid body, or a suite or report the re-validation refused: the message names the field'),
            403: error('this role may not re-validate: it takes the approval policy’s approver role or admin'),
            404: error('no connector with that id, or it has no such quality report'),
            503: error('no result in time, or Temporal is unreachable: send the same request again to join the same run'),
          },
        },
      },
      [APPROVALS_PATH]: {
        get: {
          summary: 'Approvals, newest first: pending by default',
          parameters: queryParameters(approvalsQuerySchema),
          responses: { 200: { description: '{ approvals: [...] }' }, 400: badRequest },
        },
      },
      [`${APPROVALS_PATH}/{approvalId}`]: {
        get: {
          summary: 'An approval as recorded; while pending, also the gate as its waiting workflow shows it',
          parameters: approvalIdParams,
          responses: { 200: { description: 'the approval and its live gate' }, 400: badRequest, 404: error('no approval with that id') },
        },
      },
      [`${APPROVALS_PATH}/{approvalId}/decision`]: {
        post: {
          summary:
            "A manager's decision, delivered as the cycle's Workflow Update; returns what it led to. The decider is the caller: decidedBy and role, when sent, must be the caller's own",
          parameters: approvalIdParams,
          requestBody: body(approvalDecisionRequestSchema),
          responses: {
            200: { description: 'the outcome: the decision, rows loaded or deleted, and where an unloaded batch is kept' },
            202: { description: 'accepted, outcome not known in time: send the same decision again to wait for it' },
            400: badRequest,
            403: error('this role may not decide this approval'),
            404: error('no approval with that id'),
            409: error('the gate is not open: already decided, timed out, or its cycle ended'),
            503: error('no worker accepted the decision in time, or Temporal is unreachable'),
          },
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
