/** Hostile requests as bytes on the wire, and what every answer to one must be. */
import { request } from 'node:http';
import { z } from 'zod';
import type { ApiHarness, HttpResult } from '../harness';

export interface Raw {
  bytes: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Over node:http rather than fetch: fetch sends no body with a GET, and a hostile client does. */
export function send(
  api: Pick<ApiHarness, 'url' | 'adminKey'>,
  method: string,
  path: string,
  body?: Raw,
  credential: string | null = api.adminKey,
): Promise<HttpResult> {
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-length': String(body.bytes.length) }),
    ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
    ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    ...body?.headers,
  };
  return new Promise((resolve, reject) => {
    const sent = request(`${api.url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          // Left as text: the assertion on its shape shows it.
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: parsed });
      });
    });
    // A server may answer (401, 413) before the whole body is written and close: its answer still counts.
    sent.on('error', reject);
    sent.end(body?.bytes);
  });
}

export const json = (text: string, contentType = 'application/json'): Raw => ({ bytes: Buffer.from(text, 'utf8'), contentType });

const PLACEHOLDER = '"__hostile__"';

/** The body's JSON text with `field` (dotted) holding `value`, itself JSON text: deep nesting cannot go through JSON.stringify. */
export function withField(body: unknown, field: string, valueJson: string): string {
  const keys = field.split('.');
  const set = (node: unknown, [key, ...rest]: string[]): unknown => {
    if (key === undefined) return '__hostile__';
    if (Array.isArray(node)) return node.map((item, index) => (String(index) === key ? set(item, rest) : item));
    const record = z.record(z.string(), z.unknown()).catch({}).parse(node);
    return { ...record, [key]: set(record[key], rest) };
  };
  return JSON.stringify(set(body, keys)).replace(PLACEHOLDER, valueJson);
}

export const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// ---- What every answer must be ----

const answerSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })).min(1),
});

/** A 4xx (the one expected, when told) whose issues name `path` (or a path under it) with `rule`. */
export function expectRefusal(response: HttpResult, expected: { status?: number; path: string; rule: string }, label: string): void {
  const context = `${label} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  expect({ context, status: response.status >= 400 && response.status < 500 }).toEqual({ context, status: true });
  if (expected.status !== undefined) expect({ context, status: response.status }).toEqual({ context, status: expected.status });
  const { issues } = answerSchema.parse(response.body);
  const named = issues.some(
    (issue) => (issue.path === expected.path || issue.path.startsWith(`${expected.path}.`)) && issue.rule === expected.rule,
  );
  expect({ context, named }).toEqual({ context, named: true });
}

// ---- The routes and where each takes input ----
