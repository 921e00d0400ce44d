/**
 * The control plane as one repository per concern, all over one SqlClient: the same SQL runs on
 * embedded PGlite and on PostgreSQL. Callers take the repositories they use (`Pick<Store, …>`).
 */
import { ephemeralKeyRing, type KeyRing } from '../secrets';
import { sqlAnalysis, type AnalysisRepository } from './analyze';
import { sqlApiKeys, type ApiKeyRepository } from './api-keys';
import { sqlApiUsage, type ApiUsageRepository } from './api-usage';
import { sqlApprovals, type ApprovalRepository } from './approvals';
import { sqlAuditLog, type AuditLog } from './audit';
import { sqlConnectors, type ConnectorRepository } from './connectors';
import { sqlCursors, type CursorRepository } from './cursors';
import { sqlCycleClaims, type CycleClaimRepository } from './cycle-claims';
import { sqlHistory, type HistoryRepository } from './history';
import { sqlInbox, type InboxRepository } from './inbox';
import { sqlInsights, type InsightsRepository } from './insights';
import { sqlLiveFigures, type LiveFiguresRepository } from './live-figures';
import { sqlMetrics, type MetricsRepository } from './metrics';
import { sqlNotificationChannels, type NotificationChannelRepository } from './notification-channels';
import { sqlNotificationLog, type NotificationLog } from './notification-log';
import { migrate } from './migrate';
import { sqlOutcomes, type OutcomeRepository } from './outcomes';
import { sqlPrivacy, type PrivacyRepository } from './privacy';
import { sqlRoiSettings, type RoiSettingsRepository } from './roi-settings';
import { sqlQualityReports, type QualityReportRepository } from './quality-reports';
import { forgetRecordedEffects, recordOnce } from './recorded-effects';
import { ROLLUPS_MIGRATION, rollUpHistory } from './rollups';
import { sqlRuns, type RunRepository } from './runs';
import { sealPlainCredentials } from './seal-plain-credentials';
import type { SqlClient } from './sql-client';
import { sqlSourceCatalogs, type SourceCatalogRepository } from './source-catalogs';
import { sqlStreamSchemas, type StreamSchemaRepository } from './stream-schemas';
import { snapshotVersion } from './snapshot-version';

export interface Repositories {
  connectors: ConnectorRepository;
  cursors: CursorRepository;
  /** Cycle run reports. */
  runs: RunRepository;
  audit: AuditLog;
  metrics: MetricsRepository;
  outcomes: OutcomeRepository;
  approvals: ApprovalRepository;
  /** The webhook inbox. */
  inbox: InboxRepository;
  /** Erasure requests, the suppression list, retention sweeps of our own tables. */
  privacy: PrivacyRepository;
  apiUsage: ApiUsageRepository;
  apiKeys: ApiKeyRepository;
  qualityReports: QualityReportRepository;
  /** The columns of each stream's table at its last load. */
  streamSchemas: StreamSchemaRepository;
  /** Each connector's catalog as its last cycle's plan discovered it (sources whose fields come from the account). */
  sourceCatalogs: SourceCatalogRepository;
  /** One cycle per connector. */
  cycleClaims: CycleClaimRepository;
  /** GET /:id/analyze's figures. */
  analysis: AnalysisRepository;
  /** The audit log, decisions, daily metrics and outcomes as pages, across connectors. */
  history: HistoryRepository;
  /** Connector health and ROI counts for many connectors at once, from the daily roll-ups. */
  insights: InsightsRepository;
  /** The benefit and cost settings ROI is computed with. */
  roiSettings: RoiSettingsRepository;
  /** Where people want to hear about events (secrets sealed). */
  notificationChannels: NotificationChannelRepository;
  /** Events raised for a person and their deliveries. */
  notificationLog: NotificationLog;
  /** What the metrics gauges read at each scrape. */
  liveFigures: LiveFiguresRepository;
}

export interface Store extends Repositories {
  /**
   * Runs `write` over the repositories inside one transaction, unless `key` was recorded before:
   * writes that count (audit rows, metrics, run reports) happen once per key however often an
   * activity is retried. True when `write` ran.
   */
  recordOnce(key: string, write: (tx: Repositories) => Promise<void>): Promise<boolean>;
  /** Forgets the keys starting with `prefix` that `recordOnce` recorded before `before` (an ISO instant) and more than a week ago; how many. */
  forgetRecordedEffects(before: string, prefix: string): Promise<number>;
  /** Changes whenever a write is committed (snapshot-version.ts): what a kept answer is checked against. */
  snapshotVersion(): Promise<string>;
  /** Applies pending migrations, then seals credentials stored before encryption; safe on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export function sqlRepositories(db: SqlClient, keys: KeyRing): Repositories {
  return {
    connectors: sqlConnectors(db, keys),
    cursors: sqlCursors(db),
    runs: sqlRuns(db),
    audit: sqlAuditLog(db),
    metrics: sqlMetrics(db),
    outcomes: sqlOutcomes(db),
    approvals: sqlApprovals(db),
    inbox: sqlInbox(db),
    privacy: sqlPrivacy(db, keys),
    apiUsage: sqlApiUsage(db),
    apiKeys: sqlApiKeys(db),
    qualityReports: sqlQualityReports(db),
    streamSchemas: sqlStreamSchemas(db),
    sourceCatalogs: sqlSourceCatalogs(db),
    cycleClaims: sqlCycleClaims(db),
    analysis: sqlAnalysis(db),
    history: sqlHistory(db),
    insights: sqlInsights(db),
    roiSettings: sqlRoiSettings(db),
    notificationChannels: sqlNotificationChannels(db, keys),
    notificationLog: sqlNotificationLog(db),
    liveFigures: sqlLiveFigures(db),
  };
}

/** Without a key ring, credentials are sealed with a key that dies with the process: in-memory stores only. */
export function sqlStore(db: SqlClient, keys: KeyRing = ephemeralKeyRing()): Store {
  return {
    ...sqlRepositories(db, keys),
    // Outside a transaction, entries recorded at the same moment (each request's audit row) commit together.
    audit: sqlAuditLog(db, { groupCommit: true }),
    recordOnce: (key, write) => recordOnce(db, key, (tx) => write(sqlRepositories(tx, keys))),
    forgetRecordedEffects: (before, prefix) => forgetRecordedEffects(db, before, prefix),
    snapshotVersion: () => snapshotVersion(db),
    async migrate() {
      const applied = await migrate(db);
      // The roll-ups start from the reports a store already holds; from then on each save keeps them.
      if (applied.includes(ROLLUPS_MIGRATION)) await rollUpHistory(db);
      await sealPlainCredentials(db, keys);
    },
    close: () => db.close(),
  };
}
