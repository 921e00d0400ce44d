/**
 * JSON from outside, before any schema sees it: bytes that are not UTF-8, text that is not JSON, and
 * values no store can hold — a NUL character (PostgreSQL's text and jsonb refuse it), a lone UTF-16
 * surrogate (not a character at all: jsonb refuses its escape, UTF-8 encoders replace it), nesting
 * deeper than any of our documents has (JSON.stringify and jsonb recurse). Each problem comes with
 * the path where it is, so the caller can name the field. Pure: the API and the webhook share it.
 */

/** Nesting levels a JSON document may have, the outermost object or array counting as one. */
export const MAX_JSON_DEPTH = 32;

export type JsonPath = readonly (string | number)[];

export type JsonRule = 'nul_character' | 'lone_surrogate' | 'too_deep';

export interface JsonProblem {
  path: JsonPath;
  rule: JsonRule;
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Any surrogate at all: a text without one (nearly every text) needs no look for a lone one. */
const SURROGATE = /[\ud800-\udfff]/;

/** Why a text cannot be stored, or null when it can. */
export function unstorableText(text: string): Omit<JsonProblem, 'path'> | null {
  if (text.includes('\u0000')) return { rule: 'nul_character', message: 'must not contain the NUL character (U+0000)' };
  if (SURROGATE.test(text) && LONE_SURROGATE.test(text))
    return { rule: 'lone_surrogate', message: 'must be well-formed Unicode: it holds a lone surrogate (U+D800–U+DFFF)' };
  return null;
}

/**
 * Unstorable strings (values and keys) and containers nested deeper than `maxDepth`, depth first,
 * up to `maxProblems`. Iterative: a value nested 100,000 deep costs no stack.
 */
export function jsonProblems(value: unknown, { maxDepth = MAX_JSON_DEPTH, maxProblems = 20 } = {}): JsonProblem[] {
  if (storable(value, maxDepth)) return [];
  const problems: JsonProblem[] = [];
  const pending: { value: unknown; path: JsonPath; depth: number }[] = [{ value, path: [], depth: 0 }];
  for (let next = pending.pop(); next && problems.length < maxProblems; next = pending.pop()) {
    const { path, depth } = next;
    if (typeof next.value === 'string') {
      const problem = unstorableText(next.value);
      if (problem) problems.push({ path, ...problem });
    } else if (typeof next.value === 'object' && next.value !== null) {
      if (depth === maxDepth) {
        problems.push({ path, rule: 'too_deep', message: `must not nest objects and arrays more than ${maxDepth} levels deep` });
        continue;
      }
      const entries: [string | number, unknown][] = Array.isArray(next.value)
        ? next.value.map((item, index) => [index, item])
        : Object.entries(next.value);
      // Reversed, so that they come off the stack in document order.
      for (const [key, child] of entries.reverse()) {
        const keyProblem = typeof key === 'string' ? unstorableText(key) : null;
        if (keyProblem) problems.push({ path: [...path, key], rule: keyProblem.rule, message: `its name ${keyProblem.message}` });
        pending.push({ value: child, path: [...path, key], depth: depth + 1 });
      }
    }
  }
  return problems.slice(0, maxProblems);
}

/**
 * Whether nothing in the value is unstorable or nested deeper than `levelsLeft`: the common case,
 * answered without the paths and entry lists jsonProblems builds to say where. Recursion stops at
 * the depth limit: a value nested 100,000 deep costs no more than `maxDepth` frames.
 */
function storable(value: unknown, levelsLeft: number): boolean {
  if (typeof value === 'string') return unstorableText(value) === null;
  if (typeof value !== 'object' || value === null) return true;
  if (levelsLeft === 0) return false;
  if (Array.isArray(value)) return value.every((item) => storable(item, levelsLeft - 1));
  for (const [key, child] of Object.entries(value)) {
    if (unstorableText(key) !== null || !storable(child, levelsLeft - 1)) return false;
  }
  return true;
}

/**
 * A key as it may be shown in a path: as it is when plain, otherwise as a JSON string (escapes
 * visible, nothing unprintable or unpaired echoed), cut at 100 characters.
 */
export function pathSegmentText(key: string | number): string {
  if (typeof key === 'number') return String(key);
  if (/^[A-Za-z0-9_$@-]{1,100}$/.test(key)) return key;
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}

/** The value of a JSON text, or undefined when it is not JSON: for a schema to refuse with its own words. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type DecodedJson = { ok: true; value: unknown } | { ok: false; rule: 'invalid_utf8' | 'invalid_json'; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The bytes as UTF-8 JSON text; neither a replacement character for bad bytes nor JSON.parse's message (it quotes the body). */
export function decodeJson(bytes: Uint8Array): DecodedJson {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, rule: 'invalid_utf8', message: 'must be UTF-8 text: the body holds bytes that are not UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, rule: 'invalid_json', message: 'the request body is not valid JSON' };
  }
}

/**
 * Null when a Content-Type header names JSON in UTF-8 (`application/json`, with no charset or
 * charset=utf-8); otherwise why not.
 */
export function notJsonMediaType(contentType: string | undefined): string | null {
  if (contentType === undefined || contentType.trim() === '')
    return 'the body must be sent as Content-Type: application/json; this request has no Content-Type';
  const [type = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json')
    return `the body must be sent as Content-Type: application/json, not ${JSON.stringify(type.slice(0, 100))}`;
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return `a JSON body must be UTF-8, not charset ${JSON.stringify(charset.slice(0, 40))}`;
  return null;
}
