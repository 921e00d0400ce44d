/**
 * The control plane: connector configs, cursors, the audit (activity) log, metrics, outcomes,
 * quality reports and run reports. Embedded PGlite by default, PostgreSQL when DATABASE_URL is set;
 * one set of SQL migrations for both.
 */
import type { ApiUsageEntry, ApiUsageFigure } from './api-usage';
import type { Connector, CreateConnector, UpdateConnector } from '../../domain/connector';
import type { Role } from '../../domain/access';
import type { ApprovalResolution, PendingApproval } from '../../domain/approvals';
import type { CycleReport, StreamCursor } from '../../domain/cycle';
import type { StreamColumn } from '../../domain/streams/types';
import type { GuardrailRecommendation } from './recommendations';
import type { InboxDelivery, InboxEvent, InboxReceipt } from './inbox';
import type { PrivacyStore } from '../privacy/store-types';

/** The spec's datawarehouseconnectorActivity: every decision and event, append-only. */
export interface ActivityEntry {
  configId: string;
  userId: string;
  /** e.g. connector.created, cycle.completed, batch.blocked, batch.loaded, stream.deferred */
  activityType: string;
  details: Record<string, unknown>;
  metrics?: Record<string, number>;
}

export interface StoredActivity extends ActivityEntry {
  id: string;
  createdAt: string;
}

/** The spec's datawarehouseconnectorOutcome. */
export interface OutcomeEntry {
  configId: string;
  userId: string;
  predicted: Record<string, number>;
  actual: Record<string, number>;
  accuracy: number | null;
}

export interface QualityReportEntry {
  connectorId: string;
  stream: string;
  batchSha256: string;
  /** The expectation suite result in Great Expectations' shape. */
  report: Record<string, unknown>;
}

/** A stored quality report as listed: its figures, never the records it names. */
export interface QualityReportFigures {
  id: string;
  stream: string;
  batchSha256: string;
  createdAt: string;
  /** Per expectation, in the report's order, named by the quality gate's rule label (`not_null(email)`). */
  rules: { rule: string; elementCount: number; unexpectedCount: number }[];
  /** Rows staged in quarantine (0 when none failed); null when the report predates stored quarantine references. */
  quarantinedRows: number | null;
}

export interface QualityReportFilter {
  stream?: string;
  /** 1 to 1000; 50 when omitted. */
  limit?: number;
}

/** Real figures for GET /:id/analyze, computed from what the store holds. */
export interface ConnectorAnalysis {
  connectorId: string;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeleted: number;
  /** Quarantined rows / rows evaluated, overall and per rule. */
  quarantinedShare: number;
  quarantinedShareByRule: Record<string, number>;
  runs: { total: number; completed: number; deferred: number; blocked: number; failed: number };
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  /** Seconds since the last successful load; null before the first. */
  freshnessSeconds: number | null;
  /** Per stream: cursor position and when it was committed. */
  streams: { stream: string; cursor: StreamCursor | null; committedAt: string | null }[];
  apiCalls: number;
  /** Guardrails people keep approving on similar figures, with a suggested limit and the evidence. */
  recommendations: GuardrailRecommendation[];
}

export interface StoredApproval {
  approvalId: string;
  connectorId: string;
  workflowId: string;
  status: 'pending' | 'decided';
  request: PendingApproval;
  resolution: ApprovalResolution | null;
}

/** An API key as listed: never its secret, nor the secret's hash. */
export interface StoredApiKey {
  id: string;
  /** The public part of the key (`ihk_<keyId>_<secret>`), to tell keys apart in lists and audit entries. */
  keyId: string;
  /** Who the key speaks for: a user id, or a service's name. */
  subject: string;
  role: Role;
  label: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** What issuing a key stores: the SHA-256 of its secret, never the secret. */
export interface NewApiKey {
  keyId: string;
  secretSha256: string;
  subject: string;
  role: Role;
  label?: string;
  createdBy: string;
  expiresAt?: string;
}

export type ApiKeyWithHash = StoredApiKey & { secretSha256: string };

/** Privacy (issue 6): erasure requests, suppression list, retention sweeps — see activities/privacy/store-types.ts. */
export interface ControlPlaneStore extends PrivacyStore {
  /** Applies pending migrations; safe to call on every start. */
  migrate(): Promise<void>;

  createConnector(input: CreateConnector): Promise<Connector>;
  getConnector(id: string): Promise<Connector | null>;
  listConnectorsByUser(userId: string): Promise<Connector[]>;
  listConnectors(): Promise<Connector[]>;
  updateConnector(id: string, patch: UpdateConnector): Promise<Connector | null>;
  /** Deletes the connector and its cursors; its audit trail, metrics and reports are kept. */
  deleteConnector(id: string): Promise<boolean>;

  getCursors(connectorId: string): Promise<Record<string, StreamCursor>>;
  /**
   * Moves a cursor from `previous` (null: none stored yet) to `cursor`. False, changing nothing, when
   * the store holds neither: something else moved it, and this commit must not take it back.
   */
  commitCursor(connectorId: string, stream: string, cursor: StreamCursor, previous: StreamCursor | null): Promise<boolean>;

  appendActivity(entry: ActivityEntry): Promise<void>;
  listActivity(configId: string, limit?: number): Promise<StoredActivity[]>;
  /** Adds the counters to the connector's metrics row for that UTC date (created when missing). */
  addMetrics(configId: string, userId: string, date: string, counters: Record<string, number>): Promise<void>;
  getMetrics(configId: string): Promise<{ date: string; metrics: Record<string, number> }[]>;
  recordOutcome(entry: OutcomeEntry): Promise<void>;
  listOutcomes(configId: string, limit?: number): Promise<(OutcomeEntry & { id: string; createdAt: string })[]>;

  /** Idempotent by (connectorId, stream, batchSha256); returns the report's id. */
  saveQualityReport(entry: QualityReportEntry): Promise<string>;
  getQualityReport(id: string): Promise<(QualityReportEntry & { id: string; createdAt: string }) | null>;
  /** Newest first; a malformed connector id names no connector, so it lists nothing. */
  listQualityReports(connectorId: string, filter?: QualityReportFilter): Promise<QualityReportFigures[]>;

  /** Upserts by workflowId. */
  saveRunReport(report: CycleReport): Promise<void>;
  getRunReport(workflowId: string): Promise<CycleReport | null>;
  listRunReports(connectorId: string, limit?: number): Promise<CycleReport[]>;

  /** Opens an approval (idempotent by approvalId: a replayed request changes nothing). */
  saveApprovalRequest(pending: PendingApproval): Promise<void>;
  /** Records the decision once; a second resolution of the same approval is refused. */
  saveApprovalResolution(resolution: ApprovalResolution): Promise<void>;
  getApproval(approvalId: string): Promise<StoredApproval | null>;
  /** Newest first; `pending` ones have no resolution yet. */
  listApprovals(filter: { connectorId?: string; status?: 'pending' | 'decided'; limit?: number }): Promise<StoredApproval[]>;

  /** The columns a stream's table had at its last load, to tell schema changes; null before the first. */
  getStreamSchema(connectorId: string, stream: string): Promise<StreamColumn[] | null>;
  saveStreamSchema(connectorId: string, stream: string, columns: readonly StreamColumn[]): Promise<void>;

  saveApiKey(key: NewApiKey): Promise<StoredApiKey>;
  /** With the secret's hash, to compare with what a client sent; null for an unknown key id. */
  findApiKey(keyId: string): Promise<ApiKeyWithHash | null>;
  /** Newest first, revoked ones included. */
  listApiKeys(): Promise<StoredApiKey[]>;
  /** Idempotent; null when no key has that id. */
  revokeApiKey(id: string): Promise<StoredApiKey | null>;

  /**
   * Runs `write` against this store inside one transaction, unless `key` was recorded before: writes
   * that count (audit rows, metrics, run reports) happen once per key however often an activity is
   * retried. True when `write` ran.
   */
  recordOnce(key: string, write: (store: ControlPlaneStore) => Promise<void>): Promise<boolean>;
  /** One cycle per connector: claims it for the workflow when free; returns the workflow that holds it. */
  claimCycle(connectorId: string, workflowId: string): Promise<string>;
  /** Hands a stale holder's claim (its workflow closed) to `workflowId`; false when another cycle took it first. */
  takeOverCycle(connectorId: string, staleHolder: string, workflowId: string): Promise<boolean>;
  /** Idempotent; releases only the workflow's own claim. */
  releaseCycle(connectorId: string, workflowId: string): Promise<void>;
  /** The workflow holding the connector's claim, if any (it may have closed without releasing it). */
  cycleHolder(connectorId: string): Promise<string | null>;

  /** Records API calls (or a usage figure the service reported); says when the window first reached the alert share. */
  recordApiUsage(entry: ApiUsageEntry): Promise<ApiUsageFigure>;
  listApiUsage(connectorId: string, limit?: number): Promise<Omit<ApiUsageFigure, 'alertNow'>[]>;

  /**
   * Keeps a webhook delivery durably before the sender gets its 2xx: all of it or nothing, each event
   * once per (connector, event id), so a redelivery stores nothing new.
   */
  storeInboxEvents(delivery: InboxDelivery): Promise<InboxReceipt>;
  /** A connector's inbox after `afterSeq` ("0": from the start), oldest first, at most `limit`. */
  readInboxEvents(connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]>;

  analyze(connectorId: string): Promise<ConnectorAnalysis>;
  close(): Promise<void>;
}
