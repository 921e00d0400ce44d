/**
 * `npx tsx scripts/create-api-key.ts --subject <who> --role <role> [--label <text>] [--expires-at <ISO time>]`:
 * issues an API key straight into the control plane (the same DATA_DIR or DATABASE_URL and keys as
 * the API), for the first admin key that the admin endpoint cannot issue. Prints the key once.
 */
import path from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { openStore } from '../activities/store';
import { issueApiKey, issueApiKeyBodySchema } from '../api/auth/issue-api-key';
import { PLATFORM_AUDIT_ID } from '../domain/access';
import { loadSettings } from '../worker/settings';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { subject: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' }, 'expires-at': { type: 'string' } },
  });
  const request = issueApiKeyBodySchema.safeParse({
    subject: values.subject,
    role: values.role,
    label: values.label,
    expiresAt: values['expires-at'],
  });
  if (!request.success)
    throw new Error(`usage: --subject <who> --role <role> [--label <text>] [--expires-at <ISO time>]\n${z.prettifyError(request.error)}`);

  const settings = loadSettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: path.join(settings.dataDir, 'control-plane'), secrets });
  try {
    const createdBy = `cli:${userInfo().username}`;
    const { apiKey, key } = await issueApiKey(store, request.data, createdBy);
    await store.audit.record(
      { connectorId: PLATFORM_AUDIT_ID, userId: createdBy },
      {
        activityType: 'api-key.issued',
        details: { keyId: apiKey.keyId, subject: apiKey.subject, role: apiKey.role, expiresAt: apiKey.expiresAt, createdBy, via: 'cli' },
      },
    );
    process.stdout.write(`${key}\n`);
    logger.info({ keyId: apiKey.keyId, role: apiKey.role }, 'API key issued: it is printed once and stored only as a hash');
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  logger.error({ error: error instanceof Error ? error.message : String(error) }, 'no API key was issued');
  process.exit(1);
});
