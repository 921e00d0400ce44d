/**
 * The bodies snowflake-sdk sends and the envelope it reads back: `{success, code, message, data}`,
 * always HTTP 200 with a JSON content type, failures included (protocols.md section 1).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

export const loginRequestSchema = z.object({
  data: z.object({
    ACCOUNT_NAME: z.string(),
    LOGIN_NAME: z.string(),
    PASSWORD: z.string().optional(),
    TOKEN: z.string().optional(),
    AUTHENTICATOR: z.string().optional(),
  }),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

const bindingSchema = z.object({
  type: z.string(),
  value: z.union([z.string(), z.null(), z.array(z.string().nullable())]),
});
export type Binding = z.infer<typeof bindingSchema>;

export const queryRequestSchema = z.object({
  sqlText: z.string().min(1),
  bindings: z.record(z.string().regex(/^\d+$/), bindingSchema).optional(),
  asyncExec: z.boolean().optional(),
  describeOnly: z.boolean().optional(),
});

export const renewRequestSchema = z.object({ requestType: z.literal('RENEW'), oldSessionToken: z.string() });

/** Session codes the driver acts on (snowflake-sdk constants/gs_errors.js). */
export const SESSION_GONE = { code: '390111', message: 'Session no longer exists.  New login required to access the service.' };
export const BAD_CREDENTIALS = { code: '390100', message: 'Incorrect username or password was specified.' };
export const BAD_JWT = { code: '390144', message: 'JWT token is invalid.' };

/** Output formats the driver applies to dates and timestamps when it prints them. */
export const FORMAT_PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
];

export function sendEnvelope(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  // The driver parses a body only when its content type contains application/json.
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const success = (data: unknown): unknown => ({ success: true, code: null, message: null, data });

export const failure = (code: string, message: string, data: unknown = null): unknown => ({
  success: false,
  code,
  message,
  data,
});
