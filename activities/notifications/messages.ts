/**
 * What a person is told: the audit events that need one, each turned into a message every channel
 * sends (a title, a few lines, the page to open and, for an approval, the API call that decides).
 * Built from the audit row's details, which hold figures and ids, never a person's data or a secret.
 */
import { z } from 'zod';
import type { NotificationKind, NotificationMessage } from '../../domain/notifications';
import type { AuditEvent } from '../store/audit';

/** The audit activity types that raise a notification, and the kind each raises. */
export function notificationKindOf(event: AuditEvent): NotificationKind | null {
  const type = event.activityType;
  if (type === 'approval.requested') return 'approval.requested';
  if (type.startsWith('approval.') && event.details.byPolicy === true) return 'approval.timed-out';
  if (type === 'batch.blocked') return 'batch.blocked';
  if (type === 'cycle.failed') return 'cycle.failing';
  if (type === 'api-usage.alert') return 'api-usage.high';
  if (type === 'compliance.alert') return 'compliance.alert';
  if (type === 'credential.rotation-due-soon' || type === 'credential.rotation-overdue') return 'credential.expiring';
  if (type === 'privacy.erasure-completed') return 'erasure.completed';
  return null;
}

export interface MessageContext {
  eventId: string;
  kind: NotificationKind;
  /** Null for the platform's own events. */
  connector: { id: string; name: string | null } | null;
  /** Where the API and its dashboard are reached by the people told (INSIGHT_HUB_PUBLIC_URL). */
  publicUrl: string;
  occurredAt: string;
  /** For cycle.failing: how many cycles in a row failed. */
  failedInARow?: number;
}

type Facts = NotificationMessage['facts'];
type Body = Pick<NotificationMessage, 'title' | 'text' | 'link' | 'action'> & { facts: Facts };

const breachSchema = z.object({ guardrail: z.string(), limit: z.unknown(), actual: z.unknown() });
const breachesOf = (details: Record<string, unknown>): string => {
  const parsed = z.array(breachSchema).safeParse(details.breaches);
  if (!parsed.success || parsed.data.length === 0) return 'no guardrail (the connector approves every load)';
  return parsed.data.map((b) => `${b.guardrail} ${String(b.actual)} (limit ${String(b.limit)})`).join('; ');
};

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const fact = (value: unknown): Facts[string] =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : text(value);

/** The dashboard's page of an approval, and the decision call. */
export function approvalLinks(publicUrl: string, approvalId: string): Pick<NotificationMessage, 'link' | 'action'> {
  return {
    link: `${publicUrl}/dashboard/#/approvals/${encodeURIComponent(approvalId)}`,
    action: {
      method: 'POST',
      url: `${publicUrl}/api/v1/approvals/${approvalId}/decision`,
      body: { decision: 'approve | reject | skip', reason: 'why (kept in the audit log)' },
    },
  };
}

function approvalBody(kind: NotificationKind, details: Record<string, unknown>, ctx: MessageContext, on: string): Body {
  const approvalId = text(details.approvalId);
  const deadline = text(details.deadline);
  const facts: Facts = { approvalId, stream: fact(details.stream), deadline };
  const links = approvalLinks(ctx.publicUrl, approvalId);
  if (kind === 'approval.timed-out') {
    return {
      title: `No decision in time: the policy ${text(details.decision)}ed a load of ${on}`,
      text: `Nobody decided on approval ${approvalId} (stream ${text(details.stream)}) before its deadline; the approval policy decided: ${text(details.decision)}. ${text(details.reason)}`,
      link: links.link,
      action: null,
      facts: { ...facts, decision: fact(details.decision), decidedAt: fact(details.decidedAt) },
    };
  }
  const reminder = kind === 'approval.reminder';
  return {
    title: reminder ? `Reminder: a load of ${on} still waits for a decision` : `A load of ${on} waits for your decision`,
    text: [
      `Stream ${text(details.stream)}: ${breachesOf(details)}.`,
      `Decide before ${deadline}; with no decision the policy will ${text(details.onTimeout ?? 'decide')}.`,
      `Open ${links.link ?? ''} or call ${links.action?.method ?? ''} ${links.action?.url ?? ''} with {"decision": "approve" | "reject" | "skip", "reason": "…"}.`,
    ].join('\n'),
    ...links,
    facts,
  };
}

function bodyOf(kind: NotificationKind, event: AuditEvent, ctx: MessageContext): Body {
  const { details } = event;
  const on = !ctx.connector
    ? 'the platform'
    : ctx.connector.name === null
      ? `connector ${ctx.connector.id}`
      : `connector "${ctx.connector.name}"`;
  const runs = ctx.connector ? `${ctx.publicUrl}/dashboard/#/connectors/${ctx.connector.id}` : null;
  switch (kind) {
    case 'approval.requested':
    case 'approval.reminder':
    case 'approval.timed-out':
      return approvalBody(kind, details, ctx, on);
    case 'batch.blocked':
      return {
        title: `A batch of ${on} was blocked`,
        text: `Stream ${text(details.stream)}: ${breachesOf(details)}. The batch was not loaded; it stays in staging for review.`,
        link: runs,
        action: null,
        facts: { stream: fact(details.stream), sha256: fact(details.sha256), qualityReportId: fact(details.qualityReportId) },
      };
    case 'cycle.failing':
      return {
        title: `${ctx.failedInARow ?? 0} cycles of ${on} failed in a row`,
        text: `The last cycle (${text(details.workflowId)}) failed: ${text(details.detail ?? 'see its run report')}.`,
        link: runs,
        action: null,
        facts: { workflowId: fact(details.workflowId), failedInARow: ctx.failedInARow ?? 0 },
      };
    case 'api-usage.high':
      return {
        title: `API usage of ${on} reached ${text(details.sharePercent)} % of its limit`,
        text: `${text(details.source)} ${text(details.scope)}: ${text(details.used)} of ${text(details.limit)} in the window from ${text(details.windowStart)}.`,
        link: runs,
        action: null,
        facts: { source: fact(details.source), scope: fact(details.scope), used: fact(details.used), limit: fact(details.limit) },
      };
    case 'compliance.alert':
      return {
        title: `Compliance alert: ${text(details.kind)} (${text(details.dataType)})`,
        text: `The retention sweep of ${text(details.dataType)} (window ${text(details.window)}) raised ${text(details.kind)}${details.detail ? `: ${text(details.detail)}` : ''}.`,
        link: null,
        action: null,
        facts: { kind: fact(details.kind), dataType: fact(details.dataType), window: fact(details.window) },
      };
    case 'credential.expiring':
      return {
        title: `The ${text(details.credential)} of ${on} is due for rotation`,
        text: `It is ${text(details.ageDays)} days old and due at ${text(details.dueAt)}. ${text(details.action)}`,
        link: runs,
        action: null,
        facts: { credential: fact(details.credential), ageDays: fact(details.ageDays), dueAt: fact(details.dueAt) },
      };
    case 'erasure.completed':
      return {
        title: 'An erasure request was completed',
        text: `Erasure request ${text(details.requestId)} finished at ${text(details.finishedAt)}; its receipt is at ${ctx.publicUrl}/api/v1/privacy/erasure-requests/${text(details.requestId)}.`,
        link: null,
        action: null,
        facts: { requestId: fact(details.requestId), finishedAt: fact(details.finishedAt) },
      };
  }
}

export function messageFor(event: AuditEvent, ctx: MessageContext): NotificationMessage {
  return {
    eventId: ctx.eventId,
    kind: ctx.kind,
    connectorId: ctx.connector?.id ?? null,
    occurredAt: ctx.occurredAt,
    ...bodyOf(ctx.kind, event, ctx),
  };
}
