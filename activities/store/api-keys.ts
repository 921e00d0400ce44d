/**
 * The api_key table: keys are issued with the hash of their secret, looked up by their public id, and
 * revoked rather than deleted, so an audit entry can always name the key an action came through.
 */
import { z } from 'zod';
import { roleSchema } from '../../domain/access';
import { isUuid, parseInput } from './inputs';
import { columnsOf, firstRowOf, insertedRow, rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlExecutor } from './sql-client';
import type { Role } from '../../domain/access';

/**
 * An API key as listed (and as the API answers it): never its secret, nor the secret's hash. Its
 * `keyId` tells keys apart in lists and audit entries; its `subject` is who it speaks for (a user
 * id, or a service's name).
 */
export const storedApiKeySchema = z.object({
  id: z.uuid(),
  keyId: z.string().describe('the public part of the key (ihk_<keyId>_<secret>)'),
  subject: z.string(),
  role: roleSchema,
  label: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export type StoredApiKey = z.infer<typeof storedApiKeySchema>;

/** What issuing a key stores: the SHA-256 of its secret, never the secret. */
export interface NewApiKey {
  keyId: string;
  secretSha256: string;
  subject: string;
  role: Role;
  label?: string;
  createdBy: string;
  expiresAt?: string;
}

export type ApiKeyWithHash = StoredApiKey & { secretSha256: string };

export interface ApiKeyRepository {
  save(key: NewApiKey): Promise<StoredApiKey>;
  /** With the secret's hash, to compare with what a client sent; null for an unknown key id. */
  find(keyId: string): Promise<ApiKeyWithHash | null>;
  /** Newest first, revoked ones included. */
  list(): Promise<StoredApiKey[]>;
  /** Idempotent; null when no key has that id. */
  revoke(id: string): Promise<StoredApiKey | null>;
}

const apiKeyRow = z
  .object({
    id: z.string(),
    key_id: z.string(),
    subject: z.string(),
    role: roleSchema,
    label: z.string().nullable(),
    created_by: z.string(),
    created_at: timestamp,
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .transform((row): StoredApiKey => ({
    id: row.id,
    keyId: row.key_id,
    subject: row.subject,
    role: row.role,
    label: row.label,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  }));

const API_KEY_COLUMNS = columnsOf(apiKeyRow);

const apiKeyWithHashRow = z
  .object({ secret_sha256: z.string() })
  .loose()
  .transform((row): ApiKeyWithHash => ({ ...apiKeyRow.parse(row), secretSha256: row.secret_sha256 }));

export const newApiKeySchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  subject: z.string().min(1).max(255),
  role: roleSchema,
  label: z.string().min(1).max(255).optional(),
  createdBy: z.string().min(1).max(255),
  expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
}) satisfies z.ZodType<NewApiKey>;

export async function saveApiKey(db: SqlExecutor, input: NewApiKey): Promise<StoredApiKey> {
  const key = parseInput(newApiKeySchema, input, 'API key');
  return insertedRow(
    db,
    apiKeyRow,
    `INSERT INTO api_key (key_id, secret_sha256, subject, role, label, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${API_KEY_COLUMNS}`,
    [key.keyId, key.secretSha256, key.subject, key.role, key.label ?? null, key.createdBy, key.expiresAt ?? null],
  );
}

export async function findApiKey(db: SqlExecutor, keyId: string): Promise<ApiKeyWithHash | null> {
  return firstRowOf(db, apiKeyWithHashRow, `SELECT ${API_KEY_COLUMNS}, secret_sha256 FROM api_key WHERE key_id = $1`, [keyId]);
}

/** Newest first. */
export function listApiKeys(db: SqlExecutor): Promise<StoredApiKey[]> {
  return rowsOf(db, apiKeyRow, `SELECT ${API_KEY_COLUMNS} FROM api_key ORDER BY created_at DESC, id`);
}

/** Idempotent: a key revoked twice keeps the time of its first revocation. */
export async function revokeApiKey(db: SqlExecutor, id: string): Promise<StoredApiKey | null> {
  if (!isUuid(id)) return null;
  return firstRowOf(
    db,
    apiKeyRow,
    `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`,
    [id],
  );
}

export function sqlApiKeys(db: SqlExecutor): ApiKeyRepository {
  return {
    save: (key) => saveApiKey(db, key),
    find: (keyId) => findApiKey(db, keyId),
    list: () => listApiKeys(db),
    revoke: (id) => revokeApiKey(db, id),
  };
}
