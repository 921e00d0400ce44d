/**
 * AES-256-GCM for one credential: `<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts). The key id
 * says which key of the ring decrypts; GCM's tag refuses any altered part, the key id included
 * (it is the additional authenticated data).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretIntegrityError } from './errors';
import type { KeyRing } from './key-ring';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9+/]{16}):([A-Za-z0-9+/]{22}==):([A-Za-z0-9+/]*={0,2})$/;

const additionalData = (keyId: string) => Buffer.from(`insight-hub/secret/v1/${keyId}`, 'utf8');

export function encryptSecret(ring: KeyRing, plaintext: string): string {
  const keyId = ring.activeKeyId;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, ring.keyFor(keyId), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [keyId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptSecret(ring: KeyRing, sealed: string): string {
  const [, keyId, iv, tag, ciphertext] = SEALED.exec(sealed) ?? [];
  if (keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined) {
    // Not echoed: a malformed value may well be a credential pasted in plain.
    throw new SecretIntegrityError(null, 'it is not in the <keyId>:<iv>:<tag>:<ciphertext> form');
  }
  const decipher = createDecipheriv(ALGORITHM, ring.keyFor(keyId), Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(keyId));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretIntegrityError(keyId, 'it failed its integrity check');
  }
}
