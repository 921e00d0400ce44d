/**
 * Whether Zendesk accepts an API token, asked before a rotation swaps it in: `GET
 * /api/v2/users/me.json` as the connector's agent, which spends no export quota. 401 and 403 are the
 * token's fault (ConnectorError auth); anything else is Zendesk's, and the old token stays.
 */
import { z } from 'zod';
import { answered, parseBody, readJson, send, statusFailure, type HttpCall } from '../http-kit';
import { basicAuth } from './export-request';

const CURRENT_USER: HttpCall = { service: 'Zendesk', action: 'the current user' };
const currentUserSchema = z.object({ user: z.object({ id: z.number().int().positive({ error: 'is not a signed-in agent' }) }) });

export async function checkZendeskToken(baseUrl: string, email: string, apiToken: string, signal: AbortSignal): Promise<void> {
  const headers = { Authorization: basicAuth(email, apiToken), Accept: 'application/json' };
  const response = await send(`${baseUrl}/api/v2/users/me.json`, { headers }, CURRENT_USER, signal);
  const body = await readJson(response, CURRENT_USER);
  if (!response.ok) {
    throw statusFailure(response, answered(CURRENT_USER, response.status), {
      refusals: {
        401: { category: 'auth', hint: 'Zendesk does not accept this token for the connector’s email: check both in Admin Center' },
        403: { category: 'auth', hint: 'the token belongs to an agent who may not use the API' },
      },
      busyWithRetryAfterIsThrottle: true,
    });
  }
  parseBody(currentUserSchema, body, CURRENT_USER);
}
