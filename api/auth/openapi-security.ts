/**
 * The access policy in the OpenAPI document: the two ways to authenticate, the API-key and whoami
 * paths, and on every operation the roles it takes (x-roles) or that it is public (security: []).
 */
import { z } from 'zod';
import { OWN_CONNECTORS_ONLY, ROLE_DUTIES, ROLES } from '../../domain/access';
import { errorResponseSchema } from '../errors';
import { issueApiKeyBodySchema } from './issue-api-key';
import { API_KEYS_PATH, WHOAMI_PATH, type RoutePolicy } from './policy';

type JsonObject = Record<string, unknown>;

const operationsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
const documentSchema = z.object({ paths: z.record(z.string(), operationsSchema) }).loose();

const jsonSchema = (schema: z.ZodType): JsonObject => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
const json = (description: string, schema: JsonObject = {}): JsonObject => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): JsonObject => json(description, jsonSchema(errorResponseSchema));

const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (ihk_…) or a JWT: HS256 with the shared INSIGHT_HUB_JWT_SECRET, or signed by an identity provider and checked against ' +
      'INSIGHT_HUB_JWT_PUBLIC_KEY_FILE (RS256) or the JWKS at INSIGHT_HUB_JWT_JWKS_URL (key picked by kid; RS256 unless ' +
      'INSIGHT_HUB_JWT_JWKS_ALGORITHMS says otherwise). Claims: sub, exp, iss and aud when INSIGHT_HUB_JWT_ISSUER and ' +
      'INSIGHT_HUB_JWT_AUDIENCE are set, and the role in the claim INSIGHT_HUB_JWT_ROLE_CLAIM names (role by default; a dotted ' +
      'path reaches into objects; a list grants the most privileged Insight Hub role it names)',
  },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (ihk_…)' },
};

const AUTH_PATHS: Record<string, Record<string, JsonObject>> = {
  [API_KEYS_PATH]: {
    post: {
      summary: 'Issue an API key for a subject and role; the key is returned once, only its hash is stored (audited)',
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(issueApiKeyBodySchema) } } },
      responses: { 201: json('{ apiKey, key }: the key itself appears only in this answer'), 400: error('invalid body') },
    },
    get: { summary: 'Every API key, revoked ones included; never a key or its hash', responses: { 200: json('{ apiKeys: [...] }') } },
  },
  [`${API_KEYS_PATH}/{id}`]: {
    delete: {
      summary: 'Revoke an API key (kept for the audit trail; idempotent)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: json('the revoked key'), 404: error('no API key with that id') },
    },
  },
  [WHOAMI_PATH]: { get: { summary: 'Who the API takes the caller for: subject, role, credential kind', responses: { 200: json('the principal') } } },
};

/** Express path syntax to OpenAPI's: `/:id` and `/*approvalId` become `/{id}` and `/{approvalId}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');

export function withAccessPolicies(document: JsonObject, policies: readonly RoutePolicy[]): JsonObject {
  const parsed = documentSchema.parse(document);
  const paths: Record<string, Record<string, unknown>> = { ...parsed.paths, ...AUTH_PATHS };
  for (const policy of policies) {
    const path = openApiPath(policy.path);
    const method = policy.method.toLowerCase();
    const operation = z.record(z.string(), z.unknown()).safeParse(paths[path]?.[method]);
    if (!operation.success) continue;
    paths[path] = { ...paths[path], [method]: { ...operation.data, ...securityOf(policy, operation.data) } };
  }
  const roles = Object.fromEntries(ROLES.map((role) => [role, ROLE_DUTIES[role]]));
  return {
    ...parsed,
    paths,
    security: [{ bearer: [] }, { apiKey: [] }],
    components: { securitySchemes: SECURITY_SCHEMES },
    'x-roles': roles,
  };
}

function securityOf({ access }: RoutePolicy, operation: JsonObject): JsonObject {
  if ('public' in access) return { security: [] };
  const responses = z.record(z.string(), z.unknown()).catch({}).parse(operation.responses);
  return {
    'x-roles': access.roles,
    ...(access.ownership ? { 'x-own-connectors-only': OWN_CONNECTORS_ONLY } : {}),
    responses: {
      ...responses,
      401: error('no credential, or one that is unknown, expired, revoked or badly signed (see WWW-Authenticate)'),
      403: responses['403'] ?? error('the credential’s role may not call this route, or the connector belongs to another user'),
    },
  };
}
