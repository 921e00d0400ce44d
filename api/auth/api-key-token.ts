/**
 * API keys as clients hold them: `ihk_<16 hex digits>_<43 base64url characters>`. The first part is a
 * public id to find the key by; the second 256 random bits, kept only as a SHA-256 (a random secret
 * that long needs no slow hash: there is nothing to guess).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'ihk_';
const API_KEY_PATTERN = /^ihk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyToken {
  keyId: string;
  secretSha256: string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export function newApiKeyToken(): ApiKeyToken & { token: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretSha256: sha256Hex(secret), token: `${API_KEY_PREFIX}${keyId}_${secret}` };
}

/** Null when the text is not shaped like a key at all. */
export function parseApiKeyToken(token: string): ApiKeyToken | null {
  const match = API_KEY_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { keyId: match[1], secretSha256: sha256Hex(match[2]) };
}

/** Constant-time, so the time a wrong key takes to refuse tells nothing about the stored hash. */
export function sameSecret(sentSha256: string, storedSha256: string): boolean {
  const sent = Buffer.from(sentSha256, 'hex');
  const stored = Buffer.from(storedSha256, 'hex');
  return sent.length === stored.length && timingSafeEqual(sent, stored);
}
