/**
 * The control plane: connector configs, cursors, the audit (activity) log, metrics, outcomes,
 * quality reports, run reports and the rest, one repository per concern (store.ts). Embedded PGlite
 * by default, PostgreSQL when DATABASE_URL is set; one set of SQL migrations for both.
 *
 * `ControlPlaneStore` is a Store that also has the flat methods the repositories replaced, one line
 * each into a repository. openStore still returns one, for the callers that have not moved yet
 * (test/api, bench/faults); product code takes the repositories.
 */
import type { ApprovalResolution, PendingApproval } from '../../domain/approvals';
import type { Connector, CreateConnector, UpdateConnector } from '../../domain/connector';
import type { CycleReport, StreamCursor } from '../../domain/cycle';
import type { ErasureSubject } from '../../domain/privacy';
import type { StreamColumn } from '../../domain/streams/types';
import type { QualityReportRedaction, SubjectRecord } from '../privacy/report-redaction';
import type { ConnectorAnalysis } from './analyze';
import type { ApiKeyWithHash, NewApiKey, StoredApiKey } from './api-keys';
import type { ApiUsageEntry, ApiUsageFigure } from './api-usage';
import type { ApprovalFilter, StoredApproval } from './approvals';
import type { StoredActivity } from './audit';
import type { DailyMetrics } from './metrics';
import type { InboxDelivery, InboxEvent, InboxReceipt } from './inbox';
import type { StoredOutcome } from './outcomes';
import type { PrivacyRepository } from './privacy';
import type { QualityReportEntry, QualityReportFigures, QualityReportFilter, StoredQualityReport } from './quality-reports';
import type { Store } from './store';

/** An audit entry as the flat interface took it: the connector under the spec's column name. */
export interface LegacyActivityEntry {
  configId: string;
  userId: string;
  activityType: string;
  details: Record<string, unknown>;
  metrics?: Record<string, number>;
}

/** An outcome as the flat interface took it. */
export interface LegacyOutcomeEntry {
  configId: string;
  userId: string;
  predicted: Record<string, number>;
  actual: Record<string, number>;
  accuracy: number | null;
}

/** The store with its former flat methods; each delegates to a repository of `Store`. */
export interface ControlPlaneStore extends Store, PrivacyRepository {
  createConnector(input: CreateConnector): Promise<Connector>;
  getConnector(id: string): Promise<Connector | null>;
  listConnectorsByUser(userId: string): Promise<Connector[]>;
  listConnectors(): Promise<Connector[]>;
  updateConnector(id: string, patch: UpdateConnector): Promise<Connector | null>;
  deleteConnector(id: string): Promise<boolean>;

  getCursors(connectorId: string): Promise<Record<string, StreamCursor>>;
  commitCursor(connectorId: string, stream: string, cursor: StreamCursor, previous: StreamCursor | null): Promise<boolean>;

  appendActivity(entry: LegacyActivityEntry): Promise<void>;
  listActivity(connectorId: string, limit?: number): Promise<StoredActivity[]>;
  addMetrics(connectorId: string, userId: string, date: string, counters: Record<string, number>): Promise<void>;
  getMetrics(connectorId: string): Promise<DailyMetrics[]>;
  recordOutcome(entry: LegacyOutcomeEntry): Promise<void>;
  listOutcomes(connectorId: string, limit?: number): Promise<StoredOutcome[]>;

  saveQualityReport(entry: QualityReportEntry): Promise<string>;
  getQualityReport(id: string): Promise<StoredQualityReport | null>;
  listQualityReports(connectorId: string, filter?: QualityReportFilter): Promise<QualityReportFigures[]>;

  saveRunReport(report: CycleReport): Promise<void>;
  getRunReport(workflowId: string): Promise<CycleReport | null>;
  listRunReports(connectorId: string, limit?: number): Promise<CycleReport[]>;

  saveApprovalRequest(pending: PendingApproval): Promise<void>;
  saveApprovalResolution(resolution: ApprovalResolution): Promise<void>;
  getApproval(approvalId: string): Promise<StoredApproval | null>;
  listApprovals(filter: ApprovalFilter): Promise<StoredApproval[]>;

  getStreamSchema(connectorId: string, stream: string): Promise<StreamColumn[] | null>;
  saveStreamSchema(connectorId: string, stream: string, columns: readonly StreamColumn[]): Promise<void>;

  saveApiKey(key: NewApiKey): Promise<StoredApiKey>;
  findApiKey(keyId: string): Promise<ApiKeyWithHash | null>;
  listApiKeys(): Promise<StoredApiKey[]>;
  revokeApiKey(id: string): Promise<StoredApiKey | null>;

  claimCycle(connectorId: string, workflowId: string): Promise<string>;
  takeOverCycle(connectorId: string, staleHolder: string, workflowId: string): Promise<boolean>;
  releaseCycle(connectorId: string, workflowId: string): Promise<void>;
  cycleHolder(connectorId: string): Promise<string | null>;

  recordApiUsage(entry: ApiUsageEntry): Promise<ApiUsageFigure>;
  listApiUsage(connectorId: string, limit?: number): Promise<Omit<ApiUsageFigure, 'alertNow'>[]>;

  storeInboxEvents(delivery: InboxDelivery): Promise<InboxReceipt>;
  readInboxEvents(connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]>;
  deleteInboxEventsBySubject(email: string): Promise<number>;

  redactQualityReports(requestId: string, subject: ErasureSubject, records: readonly SubjectRecord[]): Promise<QualityReportRedaction>;

  analyze(connectorId: string): Promise<ConnectorAnalysis>;
}
