/**
 * ControlPlaneStore over any SqlClient: the same SQL runs on embedded PGlite and on PostgreSQL.
 */
import type { ApprovalResolution, PendingApproval } from '../../domain/approvals';
import type { Connector, CreateConnector, UpdateConnector } from '../../domain/connector';
import { createConnectorSchema, updateConnectorSchema } from '../../domain/connector';
import type { CycleReport, StreamCursor } from '../../domain/cycle';
import { streamCursorSchema } from '../../domain/cycle';
import type { StreamColumn } from '../../domain/streams/types';
import { ephemeralKeyRing, sealConfiguration, type KeyRing } from '../secrets';
import { analyzeConnector } from './analyze';
import * as apiKeys from './api-keys';
import * as apiUsage from './api-usage';
import * as approvals from './approvals';
import * as cycleClaims from './cycle-claims';
import { recordOnce } from './recorded-effects';
import {
  activityEntrySchema,
  cursorInputSchema,
  cycleReportInputSchema,
  isUuid,
  limitSchema,
  metricsInputSchema,
  outcomeEntrySchema,
  parseInput,
  qualityReportEntrySchema,
  uuidSchema,
} from './inputs';
import { migrate } from './migrate';
import { rowsOf } from './query';
import * as qualityReports from './quality-reports';
import { sealPlainCredentials } from './seal-plain-credentials';
import {
  activityRow,
  connectorRow,
  cursorRow,
  cycleRunRow,
  idRow,
  metricsRow,
  outcomeRow,
  qualityReportRow,
  toStreamCursor,
} from './rows';
import type { SqlClient } from './sql-client';
import * as streamSchemas from './stream-schemas';
import * as inboxErasure from './inbox-erasure';
import * as inbox from './inbox';
import * as privacy from './privacy';
import type { ErasureReceipt, ErasureRequestBody, ErasureSubject, RetentionDataType, SweepScope, SweepTargetResult } from '../../domain/privacy';
import type { ControlPlaneDataType, StoredErasureRequest } from '../privacy/store-types';
import type { QualityReportRedaction, SubjectRecord } from '../privacy/report-redaction';
import type { SuppressionList } from '../privacy/suppression';
import type {
  ActivityEntry,
  ApiKeyWithHash,
  ConnectorAnalysis,
  ControlPlaneStore,
  NewApiKey,
  OutcomeEntry,
  QualityReportEntry,
  QualityReportFigures,
  QualityReportFilter,
  StoredActivity,
  StoredApiKey,
  StoredApproval,
} from './types';

const CONNECTOR_COLUMNS = 'id, user_id, name, description, configuration, status, created_at, updated_at';
const RUN_COLUMNS = 'workflow_id, connector_id, status, started_at, finished_at, streams, detail';

/** An outcome as stored: OutcomeEntry with its id and time. */
export type StoredOutcome = OutcomeEntry & { id: string; createdAt: string };

export class SqlControlPlaneStore implements ControlPlaneStore {
  private readonly connectorRows: ReturnType<typeof connectorRow>;

  /** Without a key ring, credentials are sealed with a key that dies with the process: in-memory stores only. */
  constructor(
    private readonly db: SqlClient,
    private readonly keys: KeyRing = ephemeralKeyRing(),
  ) {
    this.connectorRows = connectorRow(keys);
  }

  /** The SQL migrations, then the credentials of rows written before encryption are sealed. */
  async migrate(): Promise<void> {
    await migrate(this.db);
    await sealPlainCredentials(this.db, this.keys);
  }

  async createConnector(input: CreateConnector): Promise<Connector> {
    const connector = parseInput(createConnectorSchema, input, 'connector');
    const [created] = await rowsOf(
      this.db,
      this.connectorRows,
      `INSERT INTO connector_config (user_id, name, description, configuration, status)
       VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING ${CONNECTOR_COLUMNS}`,
      [
        connector.userId,
        connector.name,
        connector.description ?? null,
        JSON.stringify(sealConfiguration(this.keys, connector.configuration)),
        connector.status,
      ],
    );
    if (!created) throw new Error('INSERT … RETURNING returned no row');
    return created;
  }

  async getConnector(id: string): Promise<Connector | null> {
    if (!isUuid(id)) return null;
    const [found] = await rowsOf(this.db, this.connectorRows, `SELECT ${CONNECTOR_COLUMNS} FROM connector_config WHERE id = $1`, [
      id,
    ]);
    return found ?? null;
  }

  listConnectorsByUser(userId: string): Promise<Connector[]> {
    return rowsOf(
      this.db,
      this.connectorRows,
      `SELECT ${CONNECTOR_COLUMNS} FROM connector_config WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
  }

  listConnectors(): Promise<Connector[]> {
    return rowsOf(this.db, this.connectorRows, `SELECT ${CONNECTOR_COLUMNS} FROM connector_config ORDER BY created_at DESC, id`);
  }

  /** Fields the patch leaves out (undefined → NULL → coalesce) keep their stored value; a null description clears it. */
  async updateConnector(id: string, patch: UpdateConnector): Promise<Connector | null> {
    if (!isUuid(id)) return null;
    const changes = parseInput(updateConnectorSchema, patch, 'connector update');
    const [updated] = await rowsOf(
      this.db,
      this.connectorRows,
      `UPDATE connector_config
          SET name = coalesce($2, name),
              description = CASE WHEN $6::boolean THEN $3 ELSE description END,
              configuration = coalesce($4::jsonb, configuration),
              status = coalesce($5, status),
              updated_at = now()
        WHERE id = $1 RETURNING ${CONNECTOR_COLUMNS}`,
      [
        id,
        changes.name ?? null,
        changes.description ?? null,
        changes.configuration === undefined ? null : JSON.stringify(sealConfiguration(this.keys, changes.configuration)),
        changes.status ?? null,
        changes.description !== undefined,
      ],
    );
    return updated ?? null;
  }

  async deleteConnector(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = await rowsOf(this.db, idRow, 'DELETE FROM connector_config WHERE id = $1 RETURNING id', [id]);
    return deleted.length > 0;
  }

  async getCursors(connectorId: string): Promise<Record<string, StreamCursor>> {
    if (!isUuid(connectorId)) return {};
    const rows = await rowsOf(
      this.db,
      cursorRow,
      'SELECT stream, cursor_value, last_key, committed_at FROM stream_cursor WHERE connector_id = $1',
      [connectorId],
    );
    return Object.fromEntries(rows.map((row) => [row.stream, toStreamCursor(row)]));
  }

  async commitCursor(connectorId: string, stream: string, cursor: StreamCursor, previous: StreamCursor | null): Promise<boolean> {
    const target = parseInput(cursorInputSchema, { connectorId, stream }, 'cursor target');
    const position = parseInput(streamCursorSchema, cursor, 'cursor');
    const from = previous === null ? null : parseInput(streamCursorSchema, previous, 'previous cursor');
    const values = [target.connectorId, target.stream, position.value, position.lastKey];
    // Compare-and-set: only the holder of the previous position moves it, so a cursor never goes back.
    if (from === null) {
      await this.db.query(
        `INSERT INTO stream_cursor (connector_id, stream, cursor_value, last_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connector_id, stream) DO NOTHING`,
        values,
      );
    } else {
      await this.db.query(
        `UPDATE stream_cursor SET cursor_value = $3, last_key = $4, committed_at = now()
         WHERE connector_id = $1 AND stream = $2 AND cursor_value = $5 AND last_key = $6`,
        [...values, from.value, from.lastKey],
      );
    }
    // A retried commit finds its own position already stored: that is a success too.
    const stored = (await this.getCursors(target.connectorId))[target.stream];
    return stored?.value === position.value && stored.lastKey === position.lastKey;
  }

  async appendActivity(entry: ActivityEntry): Promise<void> {
    const activity = parseInput(activityEntrySchema, entry, 'activity entry');
    await this.db.query(
      `INSERT INTO connector_activity (config_id, user_id, activity_type, details, metrics)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`,
      [
        activity.configId,
        activity.userId,
        activity.activityType,
        JSON.stringify(activity.details),
        activity.metrics === undefined ? null : JSON.stringify(activity.metrics),
      ],
    );
  }

  /** Newest first. */
  async listActivity(configId: string, limit = 100): Promise<StoredActivity[]> {
    if (!isUuid(configId)) return [];
    return rowsOf(
      this.db,
      activityRow,
      `SELECT id, config_id, user_id, activity_type, details, metrics, created_at
         FROM connector_activity WHERE config_id = $1 ORDER BY seq DESC LIMIT $2`,
      [configId, parseInput(limitSchema, limit, 'limit')],
    );
  }

  /** One statement: concurrent calls for the same day add up instead of overwriting each other. */
  async addMetrics(configId: string, userId: string, date: string, counters: Record<string, number>): Promise<void> {
    const input = parseInput(metricsInputSchema, { configId, userId, date, counters }, 'metrics');
    await this.db.query(
      `INSERT INTO connector_metrics (config_id, user_id, date, metrics) VALUES ($1, $2, $3::date, $4::jsonb)
       ON CONFLICT (config_id, date) DO UPDATE
         SET metrics = connector_metrics.metrics || (
               SELECT coalesce(jsonb_object_agg(added.key,
                        coalesce((connector_metrics.metrics->>added.key)::numeric, 0) + added.value::numeric),
                        '{}'::jsonb)
                 FROM jsonb_each_text(EXCLUDED.metrics) added),
             updated_at = now()`,
      [input.configId, input.userId, input.date, JSON.stringify(input.counters)],
    );
  }

  async getMetrics(configId: string): Promise<{ date: string; metrics: Record<string, number> }[]> {
    if (!isUuid(configId)) return [];
    return rowsOf(
      this.db,
      metricsRow,
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, metrics FROM connector_metrics WHERE config_id = $1 ORDER BY date`,
      [configId],
    );
  }

  async recordOutcome(entry: OutcomeEntry): Promise<void> {
    const outcome = parseInput(outcomeEntrySchema, entry, 'outcome');
    await this.db.query(
      `INSERT INTO connector_outcome (config_id, user_id, predicted, actual, accuracy)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
      [
        outcome.configId,
        outcome.userId,
        JSON.stringify(outcome.predicted),
        JSON.stringify(outcome.actual),
        outcome.accuracy,
      ],
    );
  }

  /** Newest first. Not (yet) on ControlPlaneStore: the ROI view reads outcomes through it. */
  async listOutcomes(configId: string, limit = 100): Promise<StoredOutcome[]> {
    if (!isUuid(configId)) return [];
    return rowsOf(
      this.db,
      outcomeRow,
      `SELECT id, config_id, user_id, predicted, actual, accuracy::float8 AS accuracy, created_at
         FROM connector_outcome WHERE config_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [configId, parseInput(limitSchema, limit, 'limit')],
    );
  }

  /** The first report stored for a batch stays: the same batch and suite give the same report. */
  async saveQualityReport(entry: QualityReportEntry): Promise<string> {
    const report = parseInput(qualityReportEntrySchema, entry, 'quality report');
    const params = [report.connectorId, report.stream, report.batchSha256];
    return this.db.transaction(async (tx) => {
      const [inserted] = await rowsOf(
        tx,
        idRow,
        `INSERT INTO quality_report (connector_id, stream, batch_sha256, report) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (connector_id, stream, batch_sha256) DO NOTHING RETURNING id`,
        [...params, JSON.stringify(report.report)],
      );
      if (inserted) return inserted.id;
      const [existing] = await rowsOf(
        tx,
        idRow,
        'SELECT id FROM quality_report WHERE connector_id = $1 AND stream = $2 AND batch_sha256 = $3',
        params,
      );
      if (!existing) throw new Error('quality report vanished between INSERT and SELECT');
      return existing.id;
    });
  }

  async getQualityReport(id: string): Promise<(QualityReportEntry & { id: string; createdAt: string }) | null> {
    if (!isUuid(id)) return null;
    const [found] = await rowsOf(
      this.db,
      qualityReportRow,
      'SELECT id, connector_id, stream, batch_sha256, report, created_at FROM quality_report WHERE id = $1',
      [id],
    );
    return found ?? null;
  }

  listQualityReports(connectorId: string, filter?: QualityReportFilter): Promise<QualityReportFigures[]> {
    return qualityReports.listQualityReports(this.db, connectorId, filter);
  }

  async saveRunReport(report: CycleReport): Promise<void> {
    const run = parseInput(cycleReportInputSchema, report, 'run report');
    await this.db.query(
      `INSERT INTO cycle_run (workflow_id, connector_id, status, started_at, finished_at, streams, detail)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (workflow_id) DO UPDATE
         SET status = EXCLUDED.status, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
             streams = EXCLUDED.streams, detail = EXCLUDED.detail, updated_at = now()`,
      [run.workflowId, run.connectorId, run.status, run.startedAt, run.finishedAt, JSON.stringify(run.streams), run.detail ?? null],
    );
  }

  async getRunReport(workflowId: string): Promise<CycleReport | null> {
    const [found] = await rowsOf(this.db, cycleRunRow, `SELECT ${RUN_COLUMNS} FROM cycle_run WHERE workflow_id = $1`, [
      workflowId,
    ]);
    return found ?? null;
  }

  /** Newest first. */
  async listRunReports(connectorId: string, limit = 50): Promise<CycleReport[]> {
    if (!isUuid(connectorId)) return [];
    return rowsOf(
      this.db,
      cycleRunRow,
      `SELECT ${RUN_COLUMNS} FROM cycle_run WHERE connector_id = $1 ORDER BY started_at DESC, workflow_id LIMIT $2`,
      [connectorId, parseInput(limitSchema, limit, 'limit')],
    );
  }

  saveApprovalRequest(pending: PendingApproval): Promise<void> {
    return approvals.saveApprovalRequest(this.db, pending);
  }

  saveApprovalResolution(resolution: ApprovalResolution): Promise<void> {
    return approvals.saveApprovalResolution(this.db, resolution);
  }

  getApproval(approvalId: string): Promise<StoredApproval | null> {
    return approvals.getApproval(this.db, approvalId);
  }

  listApprovals(filter: approvals.ApprovalFilter): Promise<StoredApproval[]> {
    return approvals.listApprovals(this.db, filter);
  }

  recordOnce(key: string, write: (store: ControlPlaneStore) => Promise<void>): Promise<boolean> {
    return recordOnce(this.db, key, (tx) => write(new SqlControlPlaneStore(tx, this.keys)));
  }

  claimCycle(connectorId: string, workflowId: string): Promise<string> {
    return cycleClaims.claimCycle(this.db, connectorId, workflowId);
  }

  takeOverCycle(connectorId: string, staleHolder: string, workflowId: string): Promise<boolean> {
    return cycleClaims.takeOverCycle(this.db, connectorId, staleHolder, workflowId);
  }

  releaseCycle(connectorId: string, workflowId: string): Promise<void> {
    return cycleClaims.releaseCycle(this.db, connectorId, workflowId);
  }

  cycleHolder(connectorId: string): Promise<string | null> {
    return cycleClaims.cycleHolder(this.db, connectorId);
  }

  recordApiUsage(entry: apiUsage.ApiUsageEntry): Promise<apiUsage.ApiUsageFigure> {
    return apiUsage.recordApiUsage(this.db, entry);
  }

  listApiUsage(connectorId: string, limit?: number): Promise<Omit<apiUsage.ApiUsageFigure, 'alertNow'>[]> {
    return apiUsage.listApiUsage(this.db, connectorId, limit);
  }

  getStreamSchema(connectorId: string, stream: string): Promise<StreamColumn[] | null> {
    return streamSchemas.getStreamSchema(this.db, connectorId, stream);
  }

  saveStreamSchema(connectorId: string, stream: string, columns: readonly StreamColumn[]): Promise<void> {
    return streamSchemas.saveStreamSchema(this.db, connectorId, stream, columns);
  }

  saveApiKey(key: NewApiKey): Promise<StoredApiKey> {
    return apiKeys.saveApiKey(this.db, key);
  }

  findApiKey(keyId: string): Promise<ApiKeyWithHash | null> {
    return apiKeys.findApiKey(this.db, keyId);
  }

  listApiKeys(): Promise<StoredApiKey[]> {
    return apiKeys.listApiKeys(this.db);
  }

  revokeApiKey(id: string): Promise<StoredApiKey | null> {
    return apiKeys.revokeApiKey(this.db, id);
  }

  createErasureRequest(request: ErasureRequestBody): Promise<StoredErasureRequest> {
    return privacy.createErasureRequest(this.db, this.keys, request);
  }

  getErasureRequest(id: string): Promise<StoredErasureRequest | null> {
    return privacy.getErasureRequest(this.db, id);
  }

  openErasureSubject(id: string): Promise<ErasureSubject | null> {
    return privacy.openErasureSubject(this.db, this.keys, id);
  }

  saveErasureReceipt(receipt: ErasureReceipt): Promise<void> {
    return privacy.saveErasureReceipt(this.db, receipt);
  }

  suppressSubject(subject: ErasureSubject, requestId: string): Promise<void> {
    return privacy.suppressSubject(this.db, this.keys, subject, requestId);
  }

  loadSuppressionList(): Promise<SuppressionList> {
    return privacy.loadSuppressionList(this.db, this.keys);
  }

  sweepControlPlane(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number> {
    return privacy.sweepControlPlane(this.db, dataType, scope, cutoff);
  }

  countPastWindow(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number> {
    return privacy.countPastWindow(this.db, dataType, scope, cutoff);
  }

  recordRetentionProof(result: SweepTargetResult): Promise<void> {
    return privacy.recordRetentionProof(this.db, result);
  }

  lastRetentionProofs(): Promise<Partial<Record<RetentionDataType, string>>> {
    return privacy.lastRetentionProofs(this.db);
  }

  deleteInboxEventsBySubject(email: string): Promise<number> {
    return inboxErasure.deleteInboxEventsBySubject(this.db, email);
  }

  redactQualityReports(requestId: string, subject: ErasureSubject, records: readonly SubjectRecord[]): Promise<QualityReportRedaction> {
    return qualityReports.redactQualityReports(this.db, requestId, subject, records);
  }

  storeInboxEvents(delivery: inbox.InboxDelivery): Promise<inbox.InboxReceipt> {
    return inbox.storeInboxEvents(this.db, delivery);
  }

  readInboxEvents(connectorId: string, afterSeq: string, limit: number): Promise<inbox.InboxEvent[]> {
    return inbox.readInboxEvents(this.db, connectorId, afterSeq, limit);
  }

  async analyze(connectorId: string): Promise<ConnectorAnalysis> {
    parseInput(uuidSchema, connectorId, 'connector id');
    return analyzeConnector(this.db, connectorId);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
