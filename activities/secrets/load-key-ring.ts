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

/** Which key ring: the variable that holds it, what its keys encrypt (as the log says it), the example key id in the hint. */
export interface KeyRingKind {
  variable: string;
  protects: string;
  exampleId: string;
}

/** Where it comes from: the variable's value when set, and the folder of its key file for the embedded store. */
export interface KeyRingPlace {
  value: string | undefined;
  databaseUrl: string | undefined;
  keyFolder: string;
}

/**
 * The variable when set; otherwise, for the embedded store only, the key file generated once under
 * `keyFolder`. With DATABASE_URL the variable is required: a file on one machine cannot promise that
 * every process holds the same keys.
 */
export async function loadKeyRingFrom(kind: KeyRingKind, place: KeyRingPlace, log: KeyRingLog): Promise<KeyRing> {
  const { variable, protects } = kind;
  if (place.value !== undefined) {
    const ring = parseKeyRing(place.value, variable);
    log.info({ activeKeyId: ring.activeKeyId, keyIds: ring.keyIds }, `${protects} are encrypted with keys from ${variable}`);
    return ring;
  }
  if (place.databaseUrl !== undefined) {
    throw new ConnectorError(
      'config',
      `${variable} is required with DATABASE_URL: every process sharing the control plane must hold the same keys`,
      `set it to "<id>:<base64 of 32 random bytes>", e.g. from: node -e "console.log('${kind.exampleId}:' + require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  const { ring, file, created, openToOthers } = await loadOrCreateKeyFile(place.keyFolder);
  const fields = { keyFile: file, activeKeyId: ring.activeKeyId };
  log.info(
    fields,
    created ? `no ${variable} set: generated a key for ${protects} into the key file` : `${protects} are encrypted with the key file`,
  );
  if (openToOthers !== 0) log.warn(fields, `the key file of ${protects} can be read by other users: chmod 600 it`);
  return ring;
}

const CREDENTIAL_KEYS: KeyRingKind = { variable: SECRET_KEYS_VARIABLE, protects: 'connector credentials', exampleId: 'k1' };

export function loadKeyRing({ secretKeys, databaseUrl, dataDir }: KeySettings, log: KeyRingLog): Promise<KeyRing> {
  return loadKeyRingFrom(CREDENTIAL_KEYS, { value: secretKeys, databaseUrl, keyFolder: dataDir }, log);
}
