/**
 * Raises notifications from the audit trail: an audited event that needs a person becomes a message
 * kept in the store and a workflow that sends it to each channel wanting it. Both are keyed by the
 * event id, made from the audit write's once-only key, so a retried activity raises nothing twice
 * (the store keeps the first message; Temporal refuses a second workflow of that id). The sending
 * runs in that workflow, apart from the cycle: a failing channel is retried there and never fails
 * the activity that raised it.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import {
  APPROVAL_REMINDER_WORKFLOW,
  approvalReminderAt,
  approvalReminderWorkflowId,
  FAILING_CYCLES_IN_A_ROW,
  NOTIFICATION_DELIVERY_WORKFLOW,
  notificationWorkflowId,
  type ApprovalReminderInput,
  type NotificationKind,
} from '../../domain/notifications';
import type { AuditEvent, ConnectorRef } from '../store/audit';
import type { Store } from '../store/store';
import { messageFor, notificationKindOf } from './messages';

export interface NotifierSettings {
  /** Where the people told reach the API and its dashboard (INSIGHT_HUB_PUBLIC_URL, without a trailing slash: the settings strip it). */
  publicUrl: string;
  /** The workflow task queue: notification workflows run there. */
  taskQueue: string;
}

export interface Notifier {
  /** After an audit write under `key`: raises the notification the event calls for, if any. */
  raise(connector: ConnectorRef, event: AuditEvent, key: string): Promise<void>;
  /** The reminder of a still-pending approval (the reminder workflow's activity). */
  remindOfApproval(approvalId: string): Promise<void>;
}

export type NotifierStore = Pick<Store, 'connectors' | 'liveFigures' | 'approvals' | 'notificationChannels' | 'notificationLog'>;

export interface NotifierDeps {
  store: NotifierStore;
  settings: NotifierSettings;
  now?: () => Date;
  /** Starts the workflows; the running activity's client by default. */
  client?: () => Client;
}

/** Stable per occurrence: the same audit write always gives the same id. */
export const notificationEventId = (kind: NotificationKind, key: string): string =>
  createHash('sha256').update(`${kind}\n${key}`).digest('hex').slice(0, 32);

export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? (() => new Date());
  const client = deps.client ?? (() => Context.current().client);
  const { store, settings } = deps;

  async function start(workflowType: string, workflowId: string, arg: unknown): Promise<void> {
    try {
      await client().workflow.start(workflowType, {
        taskQueue: settings.taskQueue,
        workflowId,
        args: [arg],
        // Once per id, even after it ended: a retried raise must not send again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  async function wanted(kind: NotificationKind, connectorId: string | null): Promise<boolean> {
    return (await store.notificationChannels.subscribedTo(kind, connectorId)).length > 0;
  }

  /** The message is kept first, then its workflow started: the workflow only ever reads a kept message. */
  async function publish(kind: NotificationKind, connectorId: string | null, event: AuditEvent, key: string, failedInARow?: number) {
    if (!(await wanted(kind, connectorId))) return;
    const connector = connectorId ? await store.connectors.get(connectorId) : null;
    const eventId = notificationEventId(kind, key);
    const message = messageFor(event, {
      eventId,
      kind,
      connector: connectorId ? { id: connectorId, name: connector?.name ?? null } : null,
      publicUrl: settings.publicUrl,
      occurredAt: now().toISOString(),
      ...(failedInARow === undefined ? {} : { failedInARow }),
    });
    await store.notificationLog.saveEvent(message);
    await start(NOTIFICATION_DELIVERY_WORKFLOW, notificationWorkflowId(eventId), eventId);
  }

  /** An approval's messages say what its stored request says (its timeout policy, its breaches). */
  async function withApprovalRequest(event: AuditEvent): Promise<AuditEvent> {
    const approvalId = event.details.approvalId;
    const stored = typeof approvalId === 'string' ? await store.approvals.get(approvalId) : null;
    return stored ? { ...event, details: { ...stored.request, ...event.details } } : event;
  }

  return {
    async raise(connector, event, key) {
      const kind = notificationKindOf(event);
      if (!kind) return;
      const connectorId = connector.connectorId === PLATFORM_AUDIT_ID ? null : connector.connectorId;
      if (kind === 'cycle.failing') {
        // Counted from the stored runs (recordCycle saved this one with the audit row), as the alert's gauge counts them.
        const streak = connectorId ? await store.liveFigures.failuresInARowOf(connectorId) : 0;
        // Once per streak: at the count, not at every failure after it.
        if (streak === FAILING_CYCLES_IN_A_ROW) await publish(kind, connectorId, event, key, streak);
        return;
      }
      const described = kind.startsWith('approval.') ? await withApprovalRequest(event) : event;
      await publish(kind, connectorId, described, key);
      const { approvalId, openedAt, deadline } = described.details;
      if (kind !== 'approval.requested' || typeof approvalId !== 'string' || !(await wanted('approval.reminder', connectorId))) return;
      if (typeof openedAt !== 'string' || typeof deadline !== 'string') return;
      const reminder: ApprovalReminderInput = { approvalId, remindAt: approvalReminderAt(openedAt, deadline) };
      await start(APPROVAL_REMINDER_WORKFLOW, approvalReminderWorkflowId(approvalId), reminder);
    },

    async remindOfApproval(approvalId) {
      const stored = await store.approvals.get(approvalId);
      if (!stored || stored.status !== 'pending' || Date.parse(stored.request.deadline) <= now().getTime()) return;
      const event: AuditEvent = { activityType: 'approval.reminder', details: { ...stored.request } };
      await publish('approval.reminder', stored.connectorId, event, `approval-reminder/${approvalId}`);
    },
  };
}
