/**
 * Credentials leave the API as a marker, and come back as it: a client that reads a connector,
 * changes one setting and sends it back sends "[redacted]" for every secret it never saw. The
 * marker means "keep the stored value"; where there is none to keep, validation refuses it, so it
 * is never stored as a secret. SECRET_KEYS says what a secret is here and in sealing
 * (activities/secrets). Workflow-safe.
 */
import { z } from 'zod';
import type { Connector } from './connector';

/** Configuration keys whose values are credentials, in any source or destination. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'clientSecret',
  'accessToken',
  'privateKey',
  'private_key',
  'passphrase',
  'secretAccessKey',
  'apiToken',
  'publicKey',
  // Notification channels: an outbound webhook's HMAC key, a Slack incoming-webhook URL (it grants posting).
  'signingSecret',
  'webhookUrl',
]);
export const REDACTED = '[redacted]';

/** `//user:password@` in a connection URL, first match: the password is a credential too. */
const URL_PASSWORD = /\/\/([^:/@]+):([^@]*)@/;

/**
 * Source and destination kinds, auth types, and where credentials are sent: a secret is kept only for
 * the variant and the endpoint that stored it, so a changed login URL or host cannot carry a stored
 * secret to a server of someone else's choosing.
 */
const VARIANT_KEYS = [
  'kind',
  'type',
  'loginUrl',
  'apiUrl',
  'endpoint',
  'subdomain',
  'baseUrl',
  'account',
  'accessUrl',
  'apiEndpoint',
  'host',
] as const;

type Path = (string | number)[];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Hides credentials: secret keys anywhere in the tree, and the password inside a connection URL. */
function redactValue(key: string, value: unknown): unknown {
  if (SECRET_KEYS.has(key) && value !== undefined && value !== null) return REDACTED;
  if (key === 'url' && typeof value === 'string') return value.replace(URL_PASSWORD, (_match, user: string) => `//${user}:${REDACTED}@`);
  if (Array.isArray(value)) return value.map((item) => redactValue('', item));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(k, v)]));
  return value;
}

/** Any settings as shown outside the store (a notification channel's target): every credential replaced by a marker. */
export const redactSecrets = (value: unknown): unknown => redactValue('', value);

/** A connector as shown outside the store: its configuration with every credential replaced by a marker. */
export type RedactedConnector = Omit<Connector, 'configuration'> & { configuration: unknown };

export function redactConnector(connector: Connector): RedactedConnector {
  return { ...connector, configuration: redactValue('', connector.configuration) };
}

/**
 * `incoming` (a configuration as a client sent it) with each marker replaced by the secret that
 * `stored` holds at the same place, for the same kind and auth type. A marker with nothing to keep
 * stays, for validation to refuse.
 */
export function keepRedactedSecrets(incoming: unknown, stored: unknown): unknown {
  if (Array.isArray(incoming)) {
    return incoming.map((item, i) => keepRedactedSecrets(item, Array.isArray(stored) ? stored[i] : undefined));
  }
  if (!isRecord(incoming)) return incoming;
  const counterpart = isRecord(stored) && VARIANT_KEYS.every((key) => incoming[key] === stored[key]) ? stored : {};
  return Object.fromEntries(Object.entries(incoming).map(([key, value]) => [key, keepSecret(key, value, counterpart[key])]));
}

function keepSecret(key: string, value: unknown, stored: unknown): unknown {
  if (SECRET_KEYS.has(key) && value === REDACTED) return typeof stored === 'string' && stored !== REDACTED ? stored : value;
  if (key === 'url' && typeof value === 'string') return keepUrlPassword(value, stored);
  return keepRedactedSecrets(value, stored);
}

/** `host:port` of a connection URL: where its password is sent. */
const URL_ADDRESS = /@([^/?#]*)/;

function keepUrlPassword(url: string, stored: unknown): string {
  const storedPassword = typeof stored === 'string' ? URL_PASSWORD.exec(stored)?.[2] : undefined;
  if (URL_PASSWORD.exec(url)?.[2] !== REDACTED || storedPassword === undefined || storedPassword === REDACTED) return url;
  if (typeof stored !== 'string' || URL_ADDRESS.exec(url)?.[1] !== URL_ADDRESS.exec(stored)?.[1]) return url;
  return url.replace(URL_PASSWORD, (_match, user: string) => `//${user}:${storedPassword}@`);
}

const isMarker = (key: string, value: unknown): boolean =>
  (SECRET_KEYS.has(key) && value === REDACTED) ||
  (key === 'url' && typeof value === 'string' && URL_PASSWORD.exec(value)?.[2] === REDACTED);

/** Where a configuration holds the marker in place of a secret. */
export function redactionMarkers(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => redactionMarkers(item, [...path, i]));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    isMarker(key, child) ? [[...path, key]] : redactionMarkers(child, [...path, key]),
  );
}

/** A zod refinement for configurations about to be stored: a secret that is still the marker is an issue at its path. */
export function refuseRedactionMarkers(configuration: unknown, ctx: z.RefinementCtx): void {
  for (const path of redactionMarkers(configuration)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `is ${REDACTED}, which keeps a stored secret, and there is none to keep here (a new connector, another kind of source or destination, another auth type, or another login URL, host or endpoint): send the secret itself`,
    });
  }
}

/** How the documents show a secret: the marker, which a PUT may send back to keep the stored value. */
export const redactedSecretSchema = z
  .literal(REDACTED)
  .describe(`a credential, shown as ${REDACTED}: send it back as it is to keep the stored value`);

type Schema = z.core.$ZodType;

/**
 * `schema` with each secret field's schema given by `secret` (an optional one stays optional), so
 * the documents describe a redacted response, or a body that may send markers back, from the very
 * schemas that validate configurations. Parts without secrets stay the same schema objects.
 */
export function withSecretFields(schema: Schema, secret: (field: Schema) => Schema): Schema {
  const map = (inner: Schema): Schema => withSecretFields(inner, secret);
  if (schema instanceof z.ZodObject) {
    const before: Record<string, Schema> = schema.shape;
    const shape = Object.fromEntries(
      Object.entries(before).map(([key, field]) => [key, SECRET_KEYS.has(key) ? secretField(field, secret) : map(field)]),
    );
    return Object.keys(shape).some((key) => shape[key] !== before[key]) ? schema.clone({ ...schema.def, shape }, { parent: true }) : schema;
  }
  if (schema instanceof z.ZodUnion) {
    const before: readonly Schema[] = schema.options;
    const options = before.map(map);
    return options.some((option, i) => option !== before[i]) ? schema.clone({ ...schema.def, options }, { parent: true }) : schema;
  }
  // A wrapper: the same wrapper, around its inner schema mapped.
  if (schema instanceof z.ZodOptional)
    return rewrapped(schema, schema.def.innerType, map, (innerType) => schema.clone({ ...schema.def, innerType }, { parent: true }));
  if (schema instanceof z.ZodNullable)
    return rewrapped(schema, schema.def.innerType, map, (innerType) => schema.clone({ ...schema.def, innerType }, { parent: true }));
  if (schema instanceof z.ZodDefault)
    return rewrapped(schema, schema.def.innerType, map, (innerType) => schema.clone({ ...schema.def, innerType }, { parent: true }));
  if (schema instanceof z.ZodPrefault)
    return rewrapped(schema, schema.def.innerType, map, (innerType) => schema.clone({ ...schema.def, innerType }, { parent: true }));
  return schema;
}

function rewrapped(wrapper: Schema, inner: Schema, map: (inner: Schema) => Schema, rewrap: (inner: Schema) => Schema): Schema {
  const innerType = map(inner);
  return innerType === inner ? wrapper : rewrap(innerType);
}

function secretField(field: Schema, secret: (field: Schema) => Schema): Schema {
  return field instanceof z.ZodOptional ? z.optional(secret(field.unwrap())) : secret(field);
}
