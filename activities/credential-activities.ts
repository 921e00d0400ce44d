/**
 * The scheduled credential check: API tokens that must be rotated on a clock (Zendesk: every 30
 * days) are judged daily, so a manager hears about a token from day 25 — before the connector stops
 * on it. Alerts go to the connector's audit log and the log, never the token itself.
 */
import { auditTrail, type Notifying } from './chores';
import { withinActivity } from './effect-keys';
import type { Logger } from './logger';
import { tokenRotationStatus } from './sources/zendesk/token-rotation';
import type { Store } from './store/store';

export interface CredentialActivityDeps extends Notifying {
  store: Pick<Store, 'connectors' | 'audit' | 'recordOnce'>;
  logger: Logger;
  now?: () => Date;
}

export interface CredentialCheckResult {
  checked: number;
  /** Connectors whose token is due within days (day 25 onwards). */
  dueSoon: string[];
  /** Connectors whose token is past due: their cycles stop until it is rotated. */
  overdue: string[];
}

export function createCredentialActivities(deps: CredentialActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const audit = auditTrail({ store: deps.store, logger: deps.logger, now, notifier: deps.notifier });
  return {
    async checkCredentialRotation(): Promise<CredentialCheckResult> {
      const result: CredentialCheckResult = { checked: 0, dueSoon: [], overdue: [] };
      for (const connector of await deps.store.connectors.list()) {
        const { source } = connector.configuration;
        if (source.kind !== 'zendesk') continue;
        result.checked += 1;
        const status = tokenRotationStatus(source.apiTokenIssuedAt, now());
        if (!status.warn) continue;
        (status.due ? result.overdue : result.dueSoon).push(connector.id);
        const details = { source: source.kind, credential: 'apiToken', ageDays: status.ageDays, dueAt: status.dueAt };
        await audit.record(
          { connectorId: connector.id, userId: connector.userId },
          {
            activityType: status.due ? 'credential.rotation-overdue' : 'credential.rotation-due-soon',
            details: {
              ...details,
              action:
                "create a new API token in Zendesk (Admin Center > Apps and integrations > Zendesk API), then update the connector's apiToken and apiTokenIssuedAt",
            },
          },
          {
            key: withinActivity(`credential/${connector.id}`),
            log: {
              level: 'warn',
              fields: { connectorId: connector.id, ...details },
              message: status.due ? 'API token past its rotation date' : 'API token due for rotation soon',
            },
          },
        );
      }
      return result;
    },
  };
}
