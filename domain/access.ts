/** The people who use Insight Hub, by what they may do. Workflow-safe. */
import { z } from 'zod';

export const ROLES = ['campaign-lead', 'creative-analyst', 'data-scientist', 'manager', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** What each role is for, as the spec's personas describe it; shown in 403 answers and the OpenAPI document. */
export const ROLE_DUTIES: Record<Role, string> = {
  'campaign-lead': 'reads dashboards and runs, changes nothing',
  'creative-analyst': 'queries and runs their own connectors only',
  'data-scientist': 'full data access: every connector, its figures and its data',
  manager: 'decides approvals and pauses or resumes connectors',
  admin: 'everything, API keys included',
};

/** The groups the access policy is written in: a route names one of these, never an ad-hoc list. */
export const EVERY_ROLE: readonly Role[] = ROLES;
/** Change connectors and start their cycles; a creative analyst only on their own connectors. */
export const CONNECTOR_EDITORS: readonly Role[] = ['creative-analyst', 'data-scientist', 'admin'];
/** Ask what-if questions of a connector's figures without changing it. */
export const CONNECTOR_QUERIERS: readonly Role[] = ['creative-analyst', 'data-scientist', 'manager', 'admin'];
/** Pause and resume: an operational decision as much as a configuration change. */
export const CONNECTOR_OPERATORS: readonly Role[] = ['creative-analyst', 'data-scientist', 'manager', 'admin'];
/**
 * Decide approval gates and release quarantined rows. The gate's own approverRole (or admin) is
 * checked against the approval too; a gate naming a role outside this group is left to admin.
 */
export const DECIDERS: readonly Role[] = ['manager', 'data-scientist', 'admin'];
/** Read decrypted Temporal payloads (the codec server): full data access. */
export const PAYLOAD_READERS: readonly Role[] = ['data-scientist', 'admin'];
/** Approvals span every user's connectors, so only roles that see all connectors read them. */
export const APPROVAL_READERS: readonly Role[] = ['campaign-lead', 'data-scientist', 'manager', 'admin'];
/** Ask for and follow erasure requests (right to be forgotten, CCPA delete): a governance decision. */
export const PRIVACY_OFFICERS: readonly Role[] = ['manager', 'admin'];
/** Say where alerts go (webhooks, Slack, email) and read what was sent: the people who decide on them. */
export const NOTIFICATION_KEEPERS: readonly Role[] = ['manager', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];

/**
 * Read every warehouse table through the query endpoint. The others read the customer models, and
 * a creative analyst also their own connectors' stream tables (api/warehouse-access.ts).
 */
export const ALL_TABLE_READERS: readonly Role[] = ['data-scientist', 'admin'];

/** Set the benefit figures ROI is computed with: a manager's judgement of what the work is worth. */
export const ROI_SETTERS: readonly Role[] = ['manager', 'admin'];

/** Roles that see and change only the connectors whose userId is theirs. */
export const OWN_CONNECTORS_ONLY: readonly Role[] = ['creative-analyst'];

/**
 * The audit log is kept per connector (connectorId; the config_id column); API actions about no one connector (API keys,
 * approvals listed across connectors, refused requests) are recorded under this id.
 */
export const PLATFORM_AUDIT_ID = '00000000-0000-0000-0000-000000000000';
