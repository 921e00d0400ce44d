/** API keys (admin only: issue, list, revoke) and GET /me, which tells any caller who the API thinks they are. */
import { Router } from 'express';
import { z } from 'zod';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { parseRequest } from '../validation';
import { issueApiKey, issueApiKeyBodySchema } from './issue-api-key';
import { auditActor, principalOf } from './principal';

export const apiKeyIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

/** Mounted under API_KEYS_PATH. */
export function apiKeyRoutes({ store }: ResolvedApiDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseRequest(issueApiKeyBodySchema, req.body, 'body');
    const admin = principalOf(req);
    const issued = await issueApiKey(store, body, admin.subject);
    const { keyId, subject, role, expiresAt } = issued.apiKey;
    await store.appendActivity({
      configId: PLATFORM_AUDIT_ID,
      userId: admin.subject,
      activityType: 'api-key.issued',
      details: { keyId, subject, role, expiresAt, actor: auditActor(admin), via: 'api' },
    });
    res.status(201).json(issued);
  });

  router.get('/', async (_req, res) => {
    res.json({ apiKeys: await store.listApiKeys() });
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseRequest(apiKeyIdParamsSchema, req.params, 'path parameters');
    const revoked = await store.revokeApiKey(id);
    if (!revoked) throw notFound(`no API key with id ${id}`);
    const admin = principalOf(req);
    await store.appendActivity({
      configId: PLATFORM_AUDIT_ID,
      userId: admin.subject,
      activityType: 'api-key.revoked',
      details: { keyId: revoked.keyId, subject: revoked.subject, actor: auditActor(admin), via: 'api' },
    });
    res.json(revoked);
  });

  return router;
}

/** Mounted at WHOAMI_PATH. */
export function whoAmIRoutes(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.json(principalOf(req));
  });
  return router;
}
