/**
 * The process's key ring: INSIGHT_HUB_SECRET_KEYS when set; otherwise, for the embedded store only,
 * the key file under the data folder. Processes sharing a PostgreSQL control plane must share their
 * keys, which a file on one machine cannot promise, so there the variable is required.
 */
import { ConnectorError } from '../errors';
import { SECRET_KEYS_VARIABLE } from './errors';
import { loadOrCreateKeyFile } from './key-file';
import { parseKeyRing, type KeyRing } from './key-ring';

export interface KeySettings {
  secretKeys: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
}

/** What the key ring tells the operator: ids and paths, never key bytes. */
export interface KeyRingLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export async function loadKeyRing(settings: KeySettings, log: KeyRingLog): Promise<KeyRing> {
  if (settings.secretKeys !== undefined) {
    const ring = parseKeyRing(settings.secretKeys, SECRET_KEYS_VARIABLE);
    log.info(
      { activeKeyId: ring.activeKeyId, keyIds: ring.keyIds },
      `connector credentials are encrypted with keys from ${SECRET_KEYS_VARIABLE}`,
    );
    return ring;
  }
  if (settings.databaseUrl !== undefined) {
    throw new ConnectorError(
      'config',
      `${SECRET_KEYS_VARIABLE} is required with DATABASE_URL: every process sharing the control plane must hold the same keys`,
      `set it to "<id>:<base64 of 32 random bytes>", e.g. from: node -e "console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  const { ring, file, created, openToOthers } = await loadOrCreateKeyFile(settings.dataDir);
  const fields = { keyFile: file, activeKeyId: ring.activeKeyId };
  const message = created
    ? `no ${SECRET_KEYS_VARIABLE} set: generated a key for connector credentials into the key file`
    : 'connector credentials are encrypted with the key file';
  log.info(fields, message);
  if (openToOthers !== 0) log.warn(fields, 'the key file can be read by other users: chmod 600 it');
  return ring;
}
