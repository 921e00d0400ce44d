/**
 * Privacy as data: retention policies, erasure requests and their receipts, and the consent rule a
 * load applies. Workflow-safe: the sweep and erasure workflows, the API and the store share it.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { durationString, durationToMs } from './durations';

export const PRIVACY_REGIMES = ['gdpr', 'ccpa'] as const;
export type PrivacyRegime = (typeof PRIVACY_REGIMES)[number];

/**
 * What a retention sweep deletes, each by its own time column:
 * audit-log: connector_activity.created_at (through the one controlled delete path, migration 005);
 * quality-reports: quality_report.created_at (the reports quote failing values);
 * run-reports: cycle_run.started_at; staging / quarantine: the staged file's modification time;
 * warehouse: each stream table's cursor column (last change at the source) and the warehouse
 * quarantine table's quarantined_at; webhook-inbox: webhook_inbox.received_at (events hold emails).
 */
export const RETENTION_DATA_TYPES = [
  'audit-log',
  'quality-reports',
  'run-reports',
  'webhook-inbox',
  'staging',
  'quarantine',
  'warehouse',
] as const;
export const retentionDataTypeSchema = z.enum(RETENTION_DATA_TYPES);
export type RetentionDataType = z.infer<typeof retentionDataTypeSchema>;

/** Audit logs: 90 days under GDPR, 30 days under CCPA (the spec). */
export const AUDIT_LOG_WINDOWS: Readonly<Record<PrivacyRegime, string>> = { gdpr: '90d', ccpa: '30d' };

/**
 * Our defaults for the rest. Staging holds claim-check batches only until they are loaded (an
 * approval waits 24 h by default), so a week covers retries and late decisions. Quarantine gives a
 * manager a month to re-validate. Quality reports follow the GDPR audit window. Run reports hold
 * figures only. Warehouse rows untouched at the source for three years are past any campaign's use.
 * Webhook events are drained within seconds; a month covers a connector paused for a while.
 */
export const DEFAULT_RETENTION_WINDOWS: Readonly<Record<Exclude<RetentionDataType, 'audit-log'>, string>> = {
  staging: '7d',
  quarantine: '30d',
  'quality-reports': '90d',
  'run-reports': '365d',
  'webhook-inbox': '30d',
  warehouse: '1095d',
};

/** Windows per data type; a type left out keeps its default. */
export const retentionWindowsSchema = z.partialRecord(retentionDataTypeSchema, durationString);
export type RetentionWindows = z.infer<typeof retentionWindowsSchema>;

/** A connector's own policy (connector config `retention`): overrides the platform's per data type. */
export const connectorRetentionSchema = z.object({
  regime: z.enum(PRIVACY_REGIMES).optional(),
  windows: retentionWindowsSchema.default({}),
});
export type ConnectorRetention = z.infer<typeof connectorRetentionSchema>;

/** The platform's policy: the default windows, and how often each data type is swept. */
export const retentionSettingsSchema = z.object({
  regime: z.enum(PRIVACY_REGIMES).default('gdpr'),
  windows: retentionWindowsSchema.default({}),
  /** How often each data type's sweep runs. */
  every: durationString.default('1d'),
  /** How late a sweep may be (past `every` since its last proof) before it raises a compliance alert. */
  grace: durationString.default('1h'),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The window a data type is kept for under a policy, e.g. '90d'. */
export function retentionWindow(dataType: RetentionDataType, regime: PrivacyRegime, windows: RetentionWindows): string {
  return windows[dataType] ?? (dataType === 'audit-log' ? AUDIT_LOG_WINDOWS[regime] : DEFAULT_RETENTION_WINDOWS[dataType]);
}

/** A connector's window for a data type: its own setting, else its regime's default, else the platform's. */
export function connectorRetentionWindow(
  dataType: RetentionDataType,
  platform: RetentionSettings,
  own: ConnectorRetention | undefined,
): string {
  const explicit = own?.windows[dataType];
  if (explicit) return explicit;
  if (own?.regime && dataType === 'audit-log') return AUDIT_LOG_WINDOWS[own.regime];
  return retentionWindow(dataType, platform.regime, platform.windows);
}

export const retentionWindowMs = (window: string): number => durationToMs(window);

/** What one sweep of one data type does, given to the sweep workflow by its schedule. */
export interface RetentionSweepInput {
  dataType: RetentionDataType;
  settings: RetentionSettings;
}

/** Where one part of a sweep deletes: one connector's data, or everything no connector overrides. */
export type SweepScope = { kind: 'connector'; connectorId: string } | { kind: 'platform'; except: string[] };

export interface SweepTarget {
  dataType: RetentionDataType;
  scope: SweepScope;
  window: string;
}

/** One target's deletion and its proof: `remaining` is what the proof query still found past the window. */
export interface SweepTargetResult {
  target: SweepTarget;
  /** Data older than this was deleted; ISO-8601. */
  cutoff: string;
  deleted: number;
  remaining: number;
  /** What the proof counted, in words: `connector_activity rows with created_at < cutoff`. */
  proof: string;
  sweptAt: string;
}

export type SweepOutcome =
  { target: SweepTarget; status: 'swept'; result: SweepTargetResult } | { target: SweepTarget; status: 'failed'; detail: string };

export interface RetentionSweepReport {
  workflowId: string;
  dataType: RetentionDataType;
  outcomes: SweepOutcome[];
  /** Data types whose last proof is older than their interval plus grace. */
  late: { dataType: RetentionDataType; lastProofAt: string | null }[];
}

/** A sweep whose last proof is older than this is late. */
export const sweepDeadlineMs = (settings: RetentionSettings): number => durationToMs(settings.every) + durationToMs(settings.grace);

// ---- Erasure ----

export const ERASURE_REASONS = ['gdpr', 'ccpa'] as const;

/** Who is to be forgotten: an email address or a customer id, never both. */
export const erasureSubjectSchema = z.union([
  z.strictObject({ email: z.email({ error: 'must be an email address' }).max(320) }),
  z.strictObject({ customerId: z.string().trim().min(1, 'must not be empty').max(255) }),
]);
export type ErasureSubject = z.infer<typeof erasureSubjectSchema>;

export const erasureRequestBodySchema = z.object({
  subject: erasureSubjectSchema,
  reason: z.enum(ERASURE_REASONS).default('gdpr'),
  /** Who asked, for the audit log. */
  requestedBy: z.string().min(1).max(255).default('api'),
});
export type ErasureRequestBody = z.infer<typeof erasureRequestBodySchema>;

/**
 * The stores an erasure visits, in order; the suppression list comes first so nothing reloads the
 * subject meanwhile. `staging` also removes the decrypted copies killed loads left; `quarantine` first
 * takes the subject's quotes out of stored quality reports, as its quarantined records tell them.
 */
export const ERASURE_STEPS = ['suppression', 'warehouse', 'inbox', 'staging', 'quarantine'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export const erasureStepSchema = z.object({
  step: z.enum(ERASURE_STEPS),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  /** What was deleted, per place: `duckdb:marketing.salesforce_contact` → 2, `staging files rewritten` → 1. */
  deleted: z.record(z.string(), z.number().int().nonnegative()),
  startedAt: z.iso.datetime({ offset: true }).nullable(),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  detail: z.string().optional(),
});
export type ErasureStepProgress = z.infer<typeof erasureStepSchema>;

export const ERASURE_STATUSES = ['accepted', 'running', 'completed', 'failed'] as const;

/** The auditable receipt: what was deleted where, when, by which workflow. Holds no subject. */
export const erasureReceiptSchema = z.object({
  requestId: z.uuid(),
  workflowId: z.string().min(1),
  reason: z.enum(ERASURE_REASONS),
  subjectKind: z.enum(['email', 'customerId']),
  status: z.enum(ERASURE_STATUSES),
  requestedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  steps: z.array(erasureStepSchema),
});
export type ErasureReceipt = z.infer<typeof erasureReceiptSchema>;

export const erasureWorkflowId = (requestId: string): string => `erasure/${requestId}`;

/** The erasure workflow's only input: the subject stays sealed in the store. */
export interface ErasureRequestInput {
  requestId: string;
}

export const ERASURE_REQUEST_WORKFLOW = 'erasureRequest';
export const RETENTION_SWEEP_WORKFLOW = 'retentionSweep';

/** The receipt so far, per step; null before the workflow has read its request. */
export const erasureProgressQuery = defineQuery<ErasureReceipt | null>('erasureProgress');

export const retentionScheduleId = (dataType: RetentionDataType): string => `retention/${dataType}`;
export const retentionSweepWorkflowId = (dataType: RetentionDataType): string => `retention/${dataType}/scheduled`;

// ---- Consent ----

/**
 * A row is withheld from marketing tables when one of these columns (where its stream has it) holds
 * the value that withdraws consent: one who opted out of email, whatever the connector's rules. A
 * row that does not meet its stream's active rule (StreamDefinition.activeRule) is withheld too.
 */
export const CONSENT_RULES: readonly { readonly column: string; readonly withheldWhen: boolean }[] = [
  { column: 'has_opted_out_of_email', withheldWhen: true },
];

/**
 * The columns that name a person, by kind: erasure and the suppression list match a subject by
 * every one of them a stream has (Zendesk names its person `requester_email`).
 */
export const SUBJECT_COLUMNS = { email: ['email', 'requester_email'], customerId: ['customer_id'] } as const;

/** The values a row holds for each kind of subject column, non-empty text only. */
export function subjectValues(row: Readonly<Record<string, unknown>>): { emails: string[]; customerIds: string[] } {
  const texts = (columns: readonly string[]): string[] =>
    columns.map((column) => row[column]).filter((value): value is string => typeof value === 'string' && value.trim() !== '');
  return { emails: texts(SUBJECT_COLUMNS.email), customerIds: texts(SUBJECT_COLUMNS.customerId) };
}
