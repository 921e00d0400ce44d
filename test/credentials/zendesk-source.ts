/** What the daily credential check reads of a Zendesk connector: when its API token was issued. */
import type { z } from 'zod';
import type { zendeskSourceSchema } from '../../activities/sources/zendesk/definition';

const DAY_MS = 86_400_000;

/** A Zendesk source whose API token was issued `ageDays` days ago; no Zendesk answers at its subdomain. */
export function zendeskSourceWithTokenAge(apiToken: string, ageDays: number): z.input<typeof zendeskSourceSchema> {
  const issuedAt = new Date(Date.now() - ageDays * DAY_MS).toISOString().slice(0, 10);
  return { kind: 'zendesk', subdomain: 'acme', email: 'agent@example.com', apiToken, apiTokenIssuedAt: issuedAt };
}
