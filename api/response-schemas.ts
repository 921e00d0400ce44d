/**
 * What the API answers, where more than one route gives the same shape (the routes' own answers are
 * declared beside them). Objects are open: a client must ignore a field it does not know.
 */
import { z } from 'zod';
import { connectorSettingsSchema, createConnectorSchema, updateConnectorSchema } from '../domain/connector';
import { redactedSecretSchema, withSecretFields } from '../domain/redaction';
import type { ResponseSpec } from './contract';
import { errorResponseSchema } from './errors';

/** Every error answer has this body: the document names it once and refers to it. */
const errorBody = errorResponseSchema.meta({ id: 'Error' });

export const errorAnswer = (description: string): ResponseSpec => ({ description, schema: errorBody });

export const connectorNotFound = errorAnswer('no connector with that id');

/** An HTML page the API serves: the dashboard, the docs page, the codec's sign-in page. */
export const htmlPageAnswer = { description: 'the page', schema: z.string(), contentType: 'text/html' } satisfies ResponseSpec;

/** A page's script or style sheet asked for by name: the file, in one of `contentTypes`, or 404 saying `missing`. */
export const pageFileAnswers = (contentTypes: readonly string[], missing: string) => ({
  200: { description: 'the file', schema: z.string(), contentType: contentTypes },
  404: errorAnswer(missing),
});

const timestamp = z.string().describe('ISO-8601');

/** A connector as the API shows it: the stored config, each credential the redaction marker. */
export const connectorResponseSchema = createConnectorSchema.extend({
  id: z.uuid(),
  description: z.string().nullable(),
  configuration: withSecretFields(connectorSettingsSchema, () => redactedSecretSchema),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const connectorAnswer = { description: 'the connector, credentials redacted', schema: connectorResponseSchema };

/** A PUT may send a configuration back as GET showed it: each credential the marker keeps the stored one. */
export const updateConnectorBodySchema = updateConnectorSchema.extend({
  configuration: z.optional(withSecretFields(connectorSettingsSchema, (secret) => z.union([secret, redactedSecretSchema]))),
});

/** A cycle (or a push connector's drain) started or woken. */
export const startedWorkflowSchema = z.object({ workflowId: z.string(), runId: z.string() });
