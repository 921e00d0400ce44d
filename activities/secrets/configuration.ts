/**
 * Credentials inside a connector configuration, sealed for storage and opened for use. Only the
 * values are encrypted, so the rest of the configuration stays plain, queryable JSON:
 *   a secret key (domain SECRET_KEYS)  "password": "…"          -> "password": {"$secret": "<sealed>"}
 *   a connection URL with a password   "url": "postgres://u:p@h" -> "url": {"$urlWithSecret": {"before": "postgres://u:",
 *                                                                     "password": {"$secret": "<sealed>"}, "after": "@h"}}
 * Sealing leaves markers as they are, and opening leaves plain values as they are (rows written
 * before encryption), so both are idempotent.
 */
import { z } from 'zod';
import { SECRET_KEYS } from '../../domain/redaction';
import { decryptSecret, encryptSecret } from './cipher';
import type { KeyRing } from './key-ring';

const secretMarker = z.strictObject({ $secret: z.string() });
const urlMarker = z.strictObject({
  $urlWithSecret: z.strictObject({ before: z.string(), password: secretMarker, after: z.string() }),
});

/** The same credentials that domain redaction hides: `//user:password@` in a URL, first match. */
const URL_PASSWORD = /^(.*?\/\/[^:/@]+:)([^@]*)(@.*)$/s;

/** Returned by a rule that does not apply to a key: the walk goes on into the value. */
const WALK_ON = Symbol('walk on');
type Rule = (key: string, value: unknown) => unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapKeyedValues(value: unknown, rule: Rule): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeyedValues(item, rule));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      const replaced = rule(key, child);
      return [key, replaced === WALK_ON ? mapKeyedValues(child, rule) : replaced];
    }),
  );
}

export function sealConfiguration(ring: KeyRing, configuration: unknown): unknown {
  return mapKeyedValues(configuration, (key, value) => {
    if (typeof value !== 'string') return WALK_ON;
    if (SECRET_KEYS.has(key)) return { $secret: encryptSecret(ring, value) };
    const url = key === 'url' ? URL_PASSWORD.exec(value) : null;
    if (!url) return WALK_ON;
    const [, before = '', password = '', after = ''] = url;
    return { $urlWithSecret: { before, password: { $secret: encryptSecret(ring, password) }, after } };
  });
}

export function openConfiguration(ring: KeyRing, stored: unknown): unknown {
  return mapKeyedValues(stored, (key, value) => {
    const secret = SECRET_KEYS.has(key) ? secretMarker.safeParse(value) : null;
    if (secret?.success) return decryptSecret(ring, secret.data.$secret);
    const url = key === 'url' ? urlMarker.safeParse(value) : null;
    if (!url?.success) return WALK_ON;
    const { before, password, after } = url.data.$urlWithSecret;
    return `${before}${decryptSecret(ring, password.$secret)}${after}`;
  });
}
