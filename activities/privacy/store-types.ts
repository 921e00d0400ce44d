/**
 * What privacy needs from the control-plane store (activities/store/privacy.ts implements it; the
 * ControlPlaneStore interface extends it).
 */
import type { ErasureReceipt, ErasureRequestBody, ErasureSubject, RetentionDataType, SweepScope, SweepTargetResult } from '../../domain/privacy';
import type { QualityReportRedaction, SubjectRecord } from './report-redaction';
import type { SuppressionList } from './suppression';

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

export interface PrivacyStore {
  /** Seals the subject with the key ring and records the request; returns its id and workflow id. */
  createErasureRequest(request: ErasureRequestBody): Promise<StoredErasureRequest>;
  getErasureRequest(id: string): Promise<StoredErasureRequest | null>;
  /** The subject, unsealed, while the erasure runs; null once it completed (the sealed copy is gone). */
  openErasureSubject(id: string): Promise<ErasureSubject | null>;
  /** Saves progress; a completed receipt also drops the sealed subject. */
  saveErasureReceipt(receipt: ErasureReceipt): Promise<void>;
  /** Adds the subject's keyed hash; idempotent. */
  suppressSubject(subject: ErasureSubject, requestId: string): Promise<void>;
  loadSuppressionList(): Promise<SuppressionList>;
  /** Deletes the data type's rows created before `cutoff` in the scope; returns how many. */
  sweepControlPlane(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number>;
  /** The proof query: rows of the data type in the scope still older than `cutoff`. */
  countPastWindow(dataType: ControlPlaneDataType, scope: SweepScope, cutoff: string): Promise<number>;
  recordRetentionProof(result: SweepTargetResult): Promise<void>;
  /** The newest proof per data type, over every scope. */
  lastRetentionProofs(): Promise<Partial<Record<RetentionDataType, string>>>;
  /** Deletes the SendGrid inbox's events of that email; 0 when the inbox does not exist yet. */
  deleteInboxEventsBySubject(email: string): Promise<number>;
  /**
   * Takes the subject's values out of what stored quality reports quote: its email, its customer id,
   * and what its quarantined `records` show for a rule. Idempotent; the figures are the request's
   * whole work so far, a retry's included.
   */
  redactQualityReports(requestId: string, subject: ErasureSubject, records: readonly SubjectRecord[]): Promise<QualityReportRedaction>;
}
