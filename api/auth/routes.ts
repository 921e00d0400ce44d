/** API keys (admin only: issue, list, revoke) and GET /me, which tells any caller who the API thinks they are. */
import { z } from 'zod';
import { storedApiKeySchema } from '../../activities/store/api-keys';
import { PLATFORM_AUDIT_ID, roleSchema } from '../../domain/access';
import { recordApiActivity } from '../audit';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { errorAnswer } from '../response-schemas';
import { parseRequest } from '../validation';
import { issueApiKey, issueApiKeyBodySchema } from './issue-api-key';
import { principalOf, type Principal } from './principal';

export const apiKeyIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

const TAG = 'access';

export const issueApiKeyRoute = defineRoute({
  method: 'POST',
  path: '/',
  operationId: 'issueApiKey',
  summary: 'Issue an API key for a subject and role; the key is returned once, only its hash is stored (audited)',
  tag: TAG,
  request: { body: { schema: issueApiKeyBodySchema, required: true } },
  responses: {
    201: { description: 'the key: it appears only in this answer', schema: z.object({ apiKey: storedApiKeySchema, key: z.string() }) },
  },
});

export const listApiKeysRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'listApiKeys',
  summary: 'Every API key, revoked ones included; never a key or its hash',
  tag: TAG,
  responses: { 200: { description: 'the keys', schema: z.object({ apiKeys: z.array(storedApiKeySchema) }) } },
});

export const revokeApiKeyRoute = defineRoute({
  method: 'DELETE',
  path: '/:id',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key (kept for the audit trail; idempotent)',
  tag: TAG,
  request: { params: apiKeyIdParamsSchema },
  responses: { 200: { description: 'the revoked key', schema: storedApiKeySchema }, 404: errorAnswer('no API key with that id') },
});

export const whoAmIRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'whoAmI',
  summary: 'Who the API takes the caller for: subject, role, credential kind',
  tag: TAG,
  responses: {
    200: {
      description: 'the principal',
      schema: z.object({
        subject: z.string(),
        role: roleSchema,
        credential: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('api-key'), keyId: z.string() }),
          z.object({ kind: z.literal('jwt'), algorithm: z.string() }),
        ]),
      }),
    },
  },
});

/** Keys belong to no connector: their audit entries are the platform's, under the admin who acted. */
const platformOf = (admin: Principal) => ({ id: PLATFORM_AUDIT_ID, userId: admin.subject });

/** Mounted under API_KEYS_PATH. */
export function apiKeyRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();

  routes.serve(issueApiKeyRoute, async (req, res) => {
    const body = parseRequest(issueApiKeyBodySchema, req.body, 'body');
    const admin = principalOf(req);
    const issued = await issueApiKey(store, body, admin.subject);
    const { keyId, subject, role, expiresAt } = issued.apiKey;
    await recordApiActivity(store, platformOf(admin), 'api-key.issued', { keyId, subject, role, expiresAt }, admin);
    reply(res, issueApiKeyRoute, 201, issued);
  });

  routes.serve(listApiKeysRoute, async (_req, res) => {
    reply(res, listApiKeysRoute, 200, { apiKeys: await store.apiKeys.list() });
  });

  routes.serve(revokeApiKeyRoute, async (req, res) => {
    const { id } = parseRequest(apiKeyIdParamsSchema, req.params, 'path parameters');
    const revoked = await store.apiKeys.revoke(id);
    if (!revoked) throw notFound(`no API key with id ${id}`);
    const admin = principalOf(req);
    await recordApiActivity(store, platformOf(admin), 'api-key.revoked', { keyId: revoked.keyId, subject: revoked.subject }, admin);
    reply(res, revokeApiKeyRoute, 200, revoked);
  });

  return routes;
}

/** Mounted at WHOAMI_PATH. */
export function whoAmIRoutes(): DescribedRouter {
  const routes = describedRouter();
  routes.serve(whoAmIRoute, (req, res) => {
    reply(res, whoAmIRoute, 200, principalOf(req));
  });
  return routes;
}
