/**
 * How an activity audits: the event, the day's counters and any write that goes with them (an
 * approval, a run report) in one transaction, under the activity execution's key so a retry writes
 * none of it again; then the log line, which every attempt writes.
 */
import { activityEffectKey } from '../effect-keys';
import type { Logger } from '../logger';
import type { Notifier } from '../notifications/notifier';
import type { AuditEvent, ConnectorRef, Counters } from '../store/audit';
import type { Repositories, Store } from '../store/store';
import { utcDate } from './day';

export interface LogLine {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

export interface AuditOptions {
  /** Added to the connector's metrics of the day. */
  counters?: Counters;
  /** Written in the same transaction. */
  with?: (tx: Repositories) => Promise<void>;
  log?: LogLine;
  /** The write's once-only key: this activity execution's by default; an activity auditing several events names each. */
  key?: string;
}

/** An activity factory whose audited events may need a person takes the notifier (worker/workers.ts); without one, none is raised. */
export interface Notifying {
  notifier?: Notifier;
}

export interface AuditTrail {
  record(connector: ConnectorRef, event: AuditEvent, options?: AuditOptions): Promise<void>;
}

export function auditTrail(deps: { store: Pick<Store, 'audit' | 'recordOnce'>; logger: Logger; now: () => Date } & Notifying): AuditTrail {
  return {
    async record(connector, event, options = {}) {
      const key = options.key ?? activityEffectKey();
      const counted = options.counters ? { day: utcDate(deps.now()), counters: options.counters } : {};
      const also = options.with;
      if (also) {
        await deps.store.recordOnce(key, async (tx) => {
          await also(tx);
          await tx.audit.record(connector, event, counted);
        });
      } else {
        await deps.store.audit.record(connector, event, { key, ...counted });
      }
      const { log } = options;
      if (log) deps.logger[log.level](log.fields, log.message);
      // After the write, under its key: a retry raises the same event, which is sent once.
      await deps.notifier?.raise(connector, event, key);
    },
  };
}
