/**
 * The store over any SqlClient, with the repositories of `Store` and, for the callers that have not
 * moved to them yet (test/api, bench/faults), the flat ControlPlaneStore methods, each one line into
 * a repository. No SQL lives here.
 */
import type { SqlClient } from './sql-client';
import { ephemeralKeyRing, type KeyRing } from '../secrets';
import type { AnalysisRepository } from './analyze';
import type { ApiKeyRepository } from './api-keys';
import type { ApiUsageRepository } from './api-usage';
import type { ApprovalRepository } from './approvals';
import type { AuditLog } from './audit';
import type { ConnectorRepository } from './connectors';
import type { CursorRepository } from './cursors';
import type { CycleClaimRepository } from './cycle-claims';
import type { InboxRepository } from './inbox';
import type { MetricsRepository } from './metrics';
import type { OutcomeRepository } from './outcomes';
import type { PrivacyRepository } from './privacy';
import type { QualityReportRepository } from './quality-reports';
import type { RunRepository } from './runs';
import { sqlStore, type Repositories, type Store } from './store';
import type { StreamSchemaRepository } from './stream-schemas';
import type { ControlPlaneStore } from './types';

type Flat = ControlPlaneStore;

export class SqlControlPlaneStore implements ControlPlaneStore {
  private readonly store: Store;
  readonly connectors: ConnectorRepository;
  readonly cursors: CursorRepository;
  readonly runs: RunRepository;
  readonly audit: AuditLog;
  readonly metrics: MetricsRepository;
  readonly outcomes: OutcomeRepository;
  readonly approvals: ApprovalRepository;
  readonly inbox: InboxRepository;
  readonly privacy: PrivacyRepository;
  readonly apiUsage: ApiUsageRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly qualityReports: QualityReportRepository;
  readonly streamSchemas: StreamSchemaRepository;
  readonly cycleClaims: CycleClaimRepository;
  readonly analysis: AnalysisRepository;

  /** Without a key ring, credentials are sealed with a key that dies with the process: in-memory stores only. */
  constructor(db: SqlClient, keys: KeyRing = ephemeralKeyRing()) {
    const store = sqlStore(db, keys);
    this.store = store;
    this.connectors = store.connectors;
    this.cursors = store.cursors;
    this.runs = store.runs;
    this.audit = store.audit;
    this.metrics = store.metrics;
    this.outcomes = store.outcomes;
    this.approvals = store.approvals;
    this.inbox = store.inbox;
    this.privacy = store.privacy;
    this.apiUsage = store.apiUsage;
    this.apiKeys = store.apiKeys;
    this.qualityReports = store.qualityReports;
    this.streamSchemas = store.streamSchemas;
    this.cycleClaims = store.cycleClaims;
    this.analysis = store.analysis;
  }

  recordOnce(key: string, write: (tx: Repositories) => Promise<void>): Promise<boolean> {
    return this.store.recordOnce(key, write);
  }

  migrate(): Promise<void> {
    return this.store.migrate();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  // The flat interface, for callers that have not moved to the repositories yet.
  createConnector: Flat['createConnector'] = (input) => this.connectors.create(input);
  getConnector: Flat['getConnector'] = (id) => this.connectors.get(id);
  listConnectorsByUser: Flat['listConnectorsByUser'] = (userId) => this.connectors.listByUser(userId);
  listConnectors: Flat['listConnectors'] = () => this.connectors.list();
  updateConnector: Flat['updateConnector'] = (id, patch) => this.connectors.update(id, patch);
  deleteConnector: Flat['deleteConnector'] = (id) => this.connectors.delete(id);
  getCursors: Flat['getCursors'] = (connectorId) => this.cursors.get(connectorId);
  commitCursor: Flat['commitCursor'] = (connectorId, stream, cursor, previous) =>
    this.cursors.commit(connectorId, stream, cursor, previous);
  appendActivity: Flat['appendActivity'] = async ({ configId, userId, ...event }) => {
    await this.audit.record({ connectorId: configId, userId }, event);
  };
  listActivity: Flat['listActivity'] = (connectorId, limit) => this.audit.list(connectorId, limit);
  addMetrics: Flat['addMetrics'] = (connectorId, userId, date, counters) => this.metrics.add({ connectorId, userId }, date, counters);
  getMetrics: Flat['getMetrics'] = (connectorId) => this.metrics.list(connectorId);
  recordOutcome: Flat['recordOutcome'] = ({ configId, ...outcome }) => this.outcomes.record({ connectorId: configId, ...outcome });
  listOutcomes: Flat['listOutcomes'] = (connectorId, limit) => this.outcomes.list(connectorId, limit);
  saveQualityReport: Flat['saveQualityReport'] = (entry) => this.qualityReports.save(entry);
  getQualityReport: Flat['getQualityReport'] = (id) => this.qualityReports.get(id);
  listQualityReports: Flat['listQualityReports'] = (connectorId, filter) => this.qualityReports.list(connectorId, filter);
  redactQualityReports: Flat['redactQualityReports'] = (requestId, subject, records) =>
    this.qualityReports.redact(requestId, subject, records);
  saveRunReport: Flat['saveRunReport'] = (report) => this.runs.save(report);
  getRunReport: Flat['getRunReport'] = (workflowId) => this.runs.get(workflowId);
  listRunReports: Flat['listRunReports'] = (connectorId, limit) => this.runs.list(connectorId, limit);
  saveApprovalRequest: Flat['saveApprovalRequest'] = (pending) => this.approvals.saveRequest(pending);
  saveApprovalResolution: Flat['saveApprovalResolution'] = (resolution) => this.approvals.saveResolution(resolution);
  getApproval: Flat['getApproval'] = (approvalId) => this.approvals.get(approvalId);
  listApprovals: Flat['listApprovals'] = (filter) => this.approvals.list(filter);
  getStreamSchema: Flat['getStreamSchema'] = (connectorId, stream) => this.streamSchemas.get(connectorId, stream);
  saveStreamSchema: Flat['saveStreamSchema'] = (connectorId, stream, columns) => this.streamSchemas.save(connectorId, stream, columns);
  saveApiKey: Flat['saveApiKey'] = (key) => this.apiKeys.save(key);
  findApiKey: Flat['findApiKey'] = (keyId) => this.apiKeys.find(keyId);
  listApiKeys: Flat['listApiKeys'] = () => this.apiKeys.list();
  revokeApiKey: Flat['revokeApiKey'] = (id) => this.apiKeys.revoke(id);
  claimCycle: Flat['claimCycle'] = (connectorId, workflowId) => this.cycleClaims.claim(connectorId, workflowId);
  takeOverCycle: Flat['takeOverCycle'] = (connectorId, staleHolder, workflowId) =>
    this.cycleClaims.takeOver(connectorId, staleHolder, workflowId);
  releaseCycle: Flat['releaseCycle'] = (connectorId, workflowId) => this.cycleClaims.release(connectorId, workflowId);
  cycleHolder: Flat['cycleHolder'] = (connectorId) => this.cycleClaims.holder(connectorId);
  recordApiUsage: Flat['recordApiUsage'] = (entry) => this.apiUsage.record(entry);
  listApiUsage: Flat['listApiUsage'] = (connectorId, limit) => this.apiUsage.list(connectorId, limit);
  storeInboxEvents: Flat['storeInboxEvents'] = (delivery) => this.inbox.save(delivery);
  readInboxEvents: Flat['readInboxEvents'] = (connectorId, afterSeq, limit) => this.inbox.read(connectorId, afterSeq, limit);
  deleteInboxEventsBySubject: Flat['deleteInboxEventsBySubject'] = (email) => this.inbox.eraseSubject(email);
  createErasureRequest: Flat['createErasureRequest'] = (request) => this.privacy.createErasureRequest(request);
  getErasureRequest: Flat['getErasureRequest'] = (id) => this.privacy.getErasureRequest(id);
  openErasureSubject: Flat['openErasureSubject'] = (id) => this.privacy.openErasureSubject(id);
  saveErasureReceipt: Flat['saveErasureReceipt'] = (receipt) => this.privacy.saveErasureReceipt(receipt);
  suppressSubject: Flat['suppressSubject'] = (subject, requestId) => this.privacy.suppressSubject(subject, requestId);
  loadSuppressionList: Flat['loadSuppressionList'] = () => this.privacy.loadSuppressionList();
  sweepControlPlane: Flat['sweepControlPlane'] = (dataType, scope, cutoff) => this.privacy.sweepControlPlane(dataType, scope, cutoff);
  countPastWindow: Flat['countPastWindow'] = (dataType, scope, cutoff) => this.privacy.countPastWindow(dataType, scope, cutoff);
  recordRetentionProof: Flat['recordRetentionProof'] = (result) => this.privacy.recordRetentionProof(result);
  lastRetentionProofs: Flat['lastRetentionProofs'] = () => this.privacy.lastRetentionProofs();
  analyze: Flat['analyze'] = (connectorId) => this.analysis.analyze(connectorId);
}
