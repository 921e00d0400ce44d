/**
 * The steps of an erasure request. The subject stays sealed in the store and is opened inside each
 * activity: workflow inputs, results and history carry only the request id and counts.
 */
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { ERASURE_STEPS, type ErasureReceipt, type ErasureStep, type ErasureSubject } from '../../domain/privacy';
import { auditTrail, type ConnectWarehouse, type Notifying } from '../chores';
import { ConnectorError } from '../errors';
import type { Logger } from '../logger';
import type { Staging } from '../staging/staging';
import type { ColumnHasher } from './personal-columns';
import type { Store } from '../store/store';
import { eraseFromStagedFiles, quarantinedKeysOf, quarantinedRecordsOf } from './subject-files';
import { eraseFromWarehouse, refreshModelsOf } from './warehouse-erasure';

export interface ErasureActivityDeps extends Notifying {
  store: Pick<Store, 'connectors' | 'sourceCatalogs' | 'privacy' | 'inbox' | 'qualityReports' | 'audit' | 'recordOnce'>;
  staging: Staging;
  connectWarehouse: ConnectWarehouse;
  logger: Logger;
  /** The worker's hasher of personal columns: the subject is also looked for in the forms it stores in a hashed column. */
  columnHasher: ColumnHasher;
}

export function createErasureActivities(deps: ErasureActivityDeps) {
  const { store, staging } = deps;
  const audit = auditTrail({ store, logger: deps.logger, now: () => new Date(), notifier: deps.notifier });

  async function subjectOf(requestId: string): Promise<ErasureSubject> {
    const subject = await store.privacy.openErasureSubject(requestId);
    if (!subject)
      throw new ConnectorError('data', `erasure request ${requestId} holds no subject: it does not exist or has already completed`);
    return subject;
  }

  /** The values a hashed column may hold for the subject, looked for beside its plain email or customer id. */
  const hashedForms = (subject: ErasureSubject): ReadonlySet<string> =>
    new Set(deps.columnHasher.subjectHashes(subject).map(({ hash }) => hash));

  async function eraseWarehouses(requestId: string, subject: ErasureSubject): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    const connectors = await store.connectors.list();
    const hashes = hashedForms(subject);
    for (const connector of connectors) {
      const keys = await quarantinedKeysOf(staging, subject, connector.id, hashes);
      const counts = await eraseFromWarehouse(deps.connectWarehouse, connector, subject, keys, hashes);
      for (const [place, n] of Object.entries(counts)) deleted[place] = (deleted[place] ?? 0) + n;
    }
    // The models were computed from the rows just erased: rebuilt now, not at the next load.
    for (const [place, n] of Object.entries(await refreshModelsOf(deps.connectWarehouse, store.sourceCatalogs, connectors)))
      deleted[place] = n;
    deps.logger.info({ requestId, tables: Object.keys(deleted).length }, 'erasure: warehouses done');
    return deleted;
  }

  const steps: Record<ErasureStep, (requestId: string, subject: ErasureSubject) => Promise<Record<string, number>>> = {
    suppression: async (requestId, subject) => {
      await store.privacy.suppressSubject(subject, requestId, deps.columnHasher.subjectHashes(subject));
      return { 'suppression list entries': 1 };
    },
    warehouse: eraseWarehouses,
    inbox: async (_requestId, subject) => ({
      'webhook inbox events': 'email' in subject ? await store.inbox.eraseSubject(subject.email) : 0,
    }),
    staging: async (_requestId, subject) => {
      const { filesRewritten, rowsErased } = await eraseFromStagedFiles(staging, subject, 'staging', hashedForms(subject));
      // Decrypted copies a killed load left may hold the subject too; a running load's are its own to let go of.
      const copies = await staging.discardStalePlainCopies();
      return { 'staging files rewritten': filesRewritten, 'staging rows': rowsErased, 'decrypted load copies removed': copies };
    },
    quarantine: async (requestId, subject) => {
      // The quality reports first: the quarantined records tell which of their quotes (a phone number…) are the subject's.
      const hashes = hashedForms(subject);
      const reports = await store.qualityReports.redact(requestId, subject, await quarantinedRecordsOf(staging, subject, hashes));
      const { filesRewritten, rowsErased } = await eraseFromStagedFiles(staging, subject, 'quarantine', hashes);
      return {
        'quarantine files rewritten': filesRewritten,
        'quarantine rows': rowsErased,
        'quality reports redacted': reports.reports,
        'quality report values redacted': reports.values,
      };
    },
  };

  return {
    /** The receipt to fill in: a fresh one, or the one saved before a restart. */
    async startErasure(requestId: string): Promise<ErasureReceipt> {
      const request = await store.privacy.getErasureRequest(requestId);
      if (!request) throw new ConnectorError('data', `erasure request ${requestId} does not exist`);
      if (request.receipt) return request.receipt;
      const receipt: ErasureReceipt = {
        requestId,
        workflowId: request.workflowId,
        reason: request.reason,
        subjectKind: request.subjectKind,
        status: 'running',
        requestedAt: request.requestedAt,
        finishedAt: null,
        steps: ERASURE_STEPS.map((step) => ({ step, status: 'pending', deleted: {}, startedAt: null, finishedAt: null })),
      };
      await store.privacy.saveErasureReceipt(receipt);
      return receipt;
    },

    /** Idempotent: a retried step deletes what is left, which may be nothing. */
    async eraseSubjectFrom(input: { requestId: string; step: ErasureStep }): Promise<Record<string, number>> {
      return steps[input.step](input.requestId, await subjectOf(input.requestId));
    },

    /** Progress in the store; a finished receipt also goes to the audit log (it names no subject). */
    async saveErasureProgress(receipt: ErasureReceipt): Promise<void> {
      await store.privacy.saveErasureReceipt(receipt);
      if (receipt.status !== 'completed' && receipt.status !== 'failed') return;
      const failed = receipt.status === 'failed';
      await audit.record(
        { connectorId: PLATFORM_AUDIT_ID, userId: 'erasure' },
        { activityType: `privacy.erasure-${receipt.status}`, details: { ...receipt } },
        failed
          ? { log: { level: 'warn', fields: { requestId: receipt.requestId }, message: 'compliance alert: erasure request failed' } }
          : {},
      );
    },
  };
}
