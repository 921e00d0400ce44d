/**
 * Privacy in the control plane (migration 005): erasure requests with their sealed subject, the
 * suppression list of keyed hashes, the retention sweeps of our own tables and their proofs. (Erasure
 * in the webhook inbox and in quality reports belongs to those repositories.)
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  erasureReceiptSchema,
  erasureRequestBodySchema,
  erasureSubjectSchema,
  erasureWorkflowId,
  RETENTION_DATA_TYPES,
  type ErasureReceipt,
  type ErasureRequestBody,
  type ErasureSubject,
  type RetentionDataType,
  type SweepScope,
  type SweepTargetResult,
} from '../../domain/privacy';
import { columnHashesSchema, type ColumnHash } from '../privacy/personal-columns';
import { SubjectHasher } from '../privacy/subject-hash';
import { SuppressionList } from '../privacy/suppression';
import type { KeyRing } from '../secrets';
import { decryptSecret, encryptSecret } from '../secrets/cipher';
import { cutoffSchema, isUuid, parseInput } from './inputs';
import { columnsOf, firstRowOf, insertedRow, rowsOf } from './query';
import { countRow, timestamp } from './rows';
import type { SqlExecutor, SqlParam } from './sql-client';

/** The control-plane data types a sweep deletes from tables (staging, quarantine and warehouse are files or elsewhere). */
export type ControlPlaneDataType = Extract<RetentionDataType, 'audit-log' | 'quality-reports' | 'run-reports' | 'webhook-inbox'>;

export interface StoredErasureRequest {
  id: string;
  workflowId: string;
  status: ErasureReceipt['status'];
  reason: ErasureReceipt['reason'];
  subjectKind: ErasureReceipt['subjectKind'];
  requestedAt: string;
  /** Null until the workflow saves its first progress. */
  receipt: ErasureReceipt | null;
}

export interface PrivacyRepository {
  /** Seals the subject with the key ring and records the request; returns its id and workflow id. */
  createErasureRequest(request: ErasureRequestBody): Promise<StoredErasureRequest>;
  getErasureRequest(id: string): Promise<StoredErasureRequest | null>;
  /** The subject, unsealed, while the erasure runs; null once it completed (the sealed copy is gone). */
  openErasureSubject(id: string): Promise<ErasureSubject | null>;
  /** Saves progress; a completed receipt also drops the sealed subject. */
  saveErasureReceipt(receipt: ErasureReceipt): Promise<void>;
  /**
   * Adds the subject's keyed hash, and the values a hashed column holds for it (`columnHashes`,
   * ColumnHasher.subjectHashes), so that rows staged with those before the erasure are kept out too; idempotent.
   */
  suppressSubject(subject: ErasureSubject, requestId: string, columnHashes: readonly ColumnHash[]): Promise<void>;
  loadSuppressionList(): Promise<SuppressionList>;
  /** Deletes the data type's rows created before `cutoff` in the scope; returns how many. */
  sweepControlPlane(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number>;
  /** The proof query: rows of the data type in the scope still older than `cutoff`. */
  countPastWindow(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number>;
  recordRetentionProof(result: SweepTargetResult): Promise<void>;
  /** The newest proof per data type, over every scope. */
  lastRetentionProofs(): Promise<Partial<Record<RetentionDataType, string>>>;
}

const requestRow = z
  .object({
    id: z.string(),
    workflow_id: z.string(),
    status: z.enum(['accepted', 'running', 'completed', 'failed']),
    reason: z.enum(['gdpr', 'ccpa']),
    subject_kind: z.enum(['email', 'customerId']),
    requested_at: timestamp,
    receipt: erasureReceiptSchema.nullable(),
  })
  .transform((row): StoredErasureRequest => ({
    id: row.id,
    workflowId: row.workflow_id,
    status: row.status,
    reason: row.reason,
    subjectKind: row.subject_kind,
    requestedAt: row.requested_at,
    receipt: row.receipt,
  }));

const REQUEST_COLUMNS = columnsOf(requestRow);

export async function createErasureRequest(db: SqlExecutor, keys: KeyRing, input: ErasureRequestBody): Promise<StoredErasureRequest> {
  const request = parseInput(erasureRequestBodySchema, input, 'erasure request');
  const id = randomUUID();
  return insertedRow(
    db,
    requestRow,
    `INSERT INTO erasure_request (id, sealed_subject, subject_kind, reason, requested_by, workflow_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${REQUEST_COLUMNS}`,
    [
      id,
      encryptSecret(keys, JSON.stringify(request.subject)),
      'email' in request.subject ? 'email' : 'customerId',
      request.reason,
      request.requestedBy,
      erasureWorkflowId(id),
    ],
  );
}

export async function getErasureRequest(db: SqlExecutor, id: string): Promise<StoredErasureRequest | null> {
  if (!isUuid(id)) return null;
  return firstRowOf(db, requestRow, `SELECT ${REQUEST_COLUMNS} FROM erasure_request WHERE id = $1`, [id]);
}

const sealedRow = z.object({ sealed_subject: z.string().nullable() });

export async function openErasureSubject(db: SqlExecutor, keys: KeyRing, id: string): Promise<ErasureSubject | null> {
  if (!isUuid(id)) return null;
  const [found] = await rowsOf(db, sealedRow, 'SELECT sealed_subject FROM erasure_request WHERE id = $1', [id]);
  if (!found?.sealed_subject) return null;
  return parseInput(erasureSubjectSchema, JSON.parse(decryptSecret(keys, found.sealed_subject)), 'sealed erasure subject');
}

/** The sealed subject goes with completion: after that, only the suppression list's hash remains. */
export async function saveErasureReceipt(db: SqlExecutor, input: ErasureReceipt): Promise<void> {
  const receipt = parseInput(erasureReceiptSchema, input, 'erasure receipt');
  await db.query(
    `UPDATE erasure_request
        SET status = $2::varchar, receipt = $3::jsonb, finished_at = $4,
            sealed_subject = CASE WHEN $2::varchar = 'completed' THEN NULL ELSE sealed_subject END
      WHERE id = $1`,
    [receipt.requestId, receipt.status, JSON.stringify(receipt), receipt.finishedAt],
  );
}

export async function suppressSubject(
  db: SqlExecutor,
  keys: KeyRing,
  subject: ErasureSubject,
  requestId: string,
  columnHashes: readonly ColumnHash[],
): Promise<void> {
  const { keyId, hash } = new SubjectHasher(keys).current(parseInput(erasureSubjectSchema, subject, 'erasure subject'));
  const hashed = parseInput(columnHashesSchema, columnHashes, 'hashed-column values');
  await db.query(
    `INSERT INTO suppression_list (key_id, subject_hash, request_id, form)
     SELECT $1::varchar, $2::char(64), $3::uuid, 'subject'
     UNION ALL
     SELECT c->>'keyId', c->>'hash', $3::uuid, 'column' FROM jsonb_array_elements($4::jsonb) AS c
     ON CONFLICT (key_id, subject_hash) DO NOTHING`,
    [keyId, hash, requestId, JSON.stringify(hashed)],
  );
}

const hashRow = z.object({ key_id: z.string(), subject_hash: z.string(), form: z.enum(['subject', 'column']) });

export async function loadSuppressionList(db: SqlExecutor, keys: KeyRing): Promise<SuppressionList> {
  const rows = await rowsOf(db, hashRow, 'SELECT key_id, subject_hash, form FROM suppression_list');
  return new SuppressionList(
    keys,
    rows.map((row) => ({ keyId: row.key_id, hash: row.subject_hash, form: row.form })),
  );
}

/** Each control-plane data type's table, its time column and the column naming its connector. */
const SWEPT_TABLES: Readonly<Record<ControlPlaneDataType, { table: string; time: string; owner: string }>> = {
  'audit-log': { table: 'connector_activity', time: 'created_at', owner: 'config_id' },
  'quality-reports': { table: 'quality_report', time: 'created_at', owner: 'connector_id' },
  'run-reports': { table: 'cycle_run', time: 'started_at', owner: 'connector_id' },
  'webhook-inbox': { table: 'webhook_inbox', time: 'received_at', owner: 'connector_id' },
};

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connector'), connectorId: z.uuid() }),
  z.object({ kind: z.literal('platform'), except: z.array(z.uuid()) }),
]);

/** The scope as a condition on the owner column with its parameter ($2). */
function scopeCondition(owner: string, scope: SweepScope): { sql: string; param: SqlParam } {
  parseInput(scopeSchema, scope, 'sweep scope');
  return scope.kind === 'connector'
    ? { sql: `${owner} = $2::uuid`, param: scope.connectorId }
    : { sql: `NOT (${owner} = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::uuid)))`, param: JSON.stringify(scope.except) };
}

export async function sweepControlPlane(
  db: SqlExecutor,
  dataType: ControlPlaneDataType,
  scope: SweepScope,
  cutoff: string,
): Promise<number> {
  const before = parseInput(cutoffSchema, cutoff, 'retention cutoff');
  if (dataType === 'audit-log') {
    // The audit log refuses every other DELETE (migration 005): its sweep goes through the one function allowed.
    const [swept] = await rowsOf(
      db,
      countRow,
      `SELECT sweep_audit_log($1::timestamptz, $2::uuid, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::uuid)) AS n`,
      [before, scope.kind === 'connector' ? scope.connectorId : null, JSON.stringify(scope.kind === 'platform' ? scope.except : [])],
    );
    return swept?.n ?? 0;
  }
  const { table, time, owner } = SWEPT_TABLES[dataType];
  const where = scopeCondition(owner, scope);
  const [deleted] = await rowsOf(
    db,
    countRow,
    `WITH gone AS (DELETE FROM ${table} WHERE ${time} < $1::timestamptz AND ${where.sql} RETURNING 1) SELECT count(*) AS n FROM gone`,
    [before, where.param],
  );
  return deleted?.n ?? 0;
}

export async function countPastWindow(db: SqlExecutor, dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number> {
  const before = parseInput(cutoffSchema, cutoff, 'retention cutoff');
  const { table, time, owner } = SWEPT_TABLES[dataType];
  const where = scopeCondition(owner, scope);
  const [counted] = await rowsOf(db, countRow, `SELECT count(*) AS n FROM ${table} WHERE ${time} < $1::timestamptz AND ${where.sql}`, [
    before,
    where.param,
  ]);
  return counted?.n ?? 0;
}

export async function recordRetentionProof(db: SqlExecutor, result: SweepTargetResult): Promise<void> {
  const { target } = result;
  const scope = target.scope.kind === 'connector' ? target.scope.connectorId : 'platform';
  await db.query(
    `INSERT INTO retention_proof (data_type, scope, cutoff, deleted, remaining, swept_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (data_type, scope) DO UPDATE
       SET cutoff = EXCLUDED.cutoff, deleted = EXCLUDED.deleted, remaining = EXCLUDED.remaining, swept_at = EXCLUDED.swept_at`,
    [target.dataType, scope, result.cutoff, result.deleted, result.remaining, result.sweptAt],
  );
}

const proofRow = z.object({ data_type: z.enum(RETENTION_DATA_TYPES), swept_at: timestamp });

export async function lastRetentionProofs(db: SqlExecutor): Promise<Partial<Record<RetentionDataType, string>>> {
  const rows = await rowsOf(db, proofRow, 'SELECT data_type, max(swept_at) AS swept_at FROM retention_proof GROUP BY data_type');
  return Object.fromEntries(rows.map((row) => [row.data_type, row.swept_at]));
}

export function sqlPrivacy(db: SqlExecutor, keys: KeyRing): PrivacyRepository {
  return {
    createErasureRequest: (request) => createErasureRequest(db, keys, request),
    getErasureRequest: (id) => getErasureRequest(db, id),
    openErasureSubject: (id) => openErasureSubject(db, keys, id),
    saveErasureReceipt: (receipt) => saveErasureReceipt(db, receipt),
    suppressSubject: (subject, requestId, columnHashes) => suppressSubject(db, keys, subject, requestId, columnHashes),
    loadSuppressionList: () => loadSuppressionList(db, keys),
    sweepControlPlane: (dataType, scope, cutoff) => sweepControlPlane(db, dataType, scope, cutoff),
    countPastWindow: (dataType, scope, cutoff) => countPastWindow(db, dataType, scope, cutoff),
    recordRetentionProof: (result) => recordRetentionProof(db, result),
    lastRetentionProofs: () => lastRetentionProofs(db),
  };
}
