/**
 * A source account's own task queue: an API's rate limit is the account's (a Salesforce org, a
 * Zendesk account, a GA4 property…), so each account gets a queue of its own with the source's rate,
 * and two orgs no longer share one budget. The queue is named by a hash of what identifies the
 * account in the connector's configuration — never a credential, and not readable in the name.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../../domain/connector';
import { sourceTaskQueue } from '../../domain/constants';

/**
 * What names the account a connector reads with; null for push sources, which make no calls.
 * Salesforce: the org behind the login URL and user (an access token's login URL is the org's
 * instance); Zendesk: the account's URL; the CMS: its endpoint; GA4: the property (quotas are per
 * property); Brandwatch: the API user.
 */
function accountName(config: SourceConfig): string | null {
  switch (config.kind) {
    case 'salesforce':
      return config.auth.type === 'oauth-password' ? `${config.loginUrl} ${config.auth.username}` : config.loginUrl;
    case 'sendgrid':
      return null;
    case 'zendesk':
      return config.baseUrl ?? `https://${config.subdomain}.zendesk.com`;
    case 'cms':
      return config.endpoint;
    case 'ga4':
      return `${config.apiEndpoint ?? ''} ${config.propertyId}`;
    case 'brandwatch':
      return `${config.apiUrl} ${config.username}`;
  }
}

/**
 * The task queue of the account the configuration reads with: `<workflow queue>/source-<kind>/<hash>`;
 * null for a push source.
 */
export function accountTaskQueue(config: SourceConfig, workflowTaskQueue: string): string | null {
  const account = accountName(config);
  if (account === null) return null;
  const hash = createHash('sha256').update(`${config.kind}\n${account}`).digest('hex').slice(0, 16);
  return `${sourceTaskQueue(config.kind, workflowTaskQueue)}/${hash}`;
}
