/** Issuing an API key: the admin endpoint, the first-key script and the demo all go through here. */
import { z } from 'zod';
import type { StoredApiKey } from '../../activities/store/api-keys';
import type { Store } from '../../activities/store/store';
import { roleSchema } from '../../domain/access';
import { newApiKeyToken } from './api-key-token';

export const issueApiKeyBodySchema = z.object({
  /** A user id (for a creative analyst, the userId of their connectors) or a service's name. */
  subject: z.string().min(1).max(255),
  role: roleSchema,
  label: z.string().min(1).max(255).optional(),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 timestamp' })
    .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
    // Stored in UTC: an offset such as -23:46 is valid ISO-8601 but outside what PostgreSQL accepts.
    .transform((at) => new Date(at).toISOString())
    .optional(),
});
export type IssueApiKeyBody = z.infer<typeof issueApiKeyBodySchema>;

export interface IssuedApiKey {
  apiKey: StoredApiKey;
  /** Shown once: only its hash is stored. */
  key: string;
}

export async function issueApiKey(store: Pick<Store, 'apiKeys'>, request: IssueApiKeyBody, createdBy: string): Promise<IssuedApiKey> {
  const { keyId, secretSha256, token } = newApiKeyToken();
  const apiKey = await store.apiKeys.save({ ...request, keyId, secretSha256, createdBy });
  return { apiKey, key: token };
}

/**
 * A fresh key in place of the ones issued before with the same subject, label and issuer, which are
 * revoked: the demo prints a usable key on every start without piling up live ones.
 */
export async function reissueApiKey(store: Pick<Store, 'apiKeys'>, request: IssueApiKeyBody, createdBy: string): Promise<IssuedApiKey> {
  const earlier = (await store.apiKeys.list()).filter(
    (key) =>
      key.revokedAt === null && key.subject === request.subject && key.label === (request.label ?? null) && key.createdBy === createdBy,
  );
  for (const key of earlier) await store.apiKeys.revoke(key.id);
  return issueApiKey(store, request, createdBy);
}
