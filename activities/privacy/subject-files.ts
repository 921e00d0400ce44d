/**
 * Erasure in staged files: each batch holding the subject is rewritten without the subject's rows,
 * through Staging (so an encrypted staging stays encrypted) under its own key, so a reference a
 * waiting cycle holds still finds its batch — minus the erased rows.
 */
import { SOURCE_KINDS, streamsOf } from '../../domain/sources';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../sources/types';
import type { Staging } from '../staging/staging';
import { subjectValues, type ErasureSubject } from '../../domain/privacy';
import { isRow } from './load-screen';
import type { SubjectRecord } from './report-redaction';
import { listStagedFiles, type StagedFile, type StagedKind, type StagedScope } from './staged-files';
import { subjectText } from './subject-hash';

/**
 * True when the row (or, for a quarantine line, its record) belongs to the subject: a subject column
 * holds the subject's email or customer id, or one of `hashes`, the forms a connector that hashes the
 * column stores it as (ColumnHasher.subjectHashes).
 */
export function rowOfSubject(subject: ErasureSubject, line: Row, hashes: ReadonlySet<string>): boolean {
  const row = isRow(line['record']) ? line['record'] : line;
  const wanted = subjectText(subject);
  const { emails, customerIds } = subjectValues(row);
  const values = 'email' in subject ? emails : customerIds;
  return values.some((value) => hashes.has(value) || subjectText('email' in subject ? { email: value } : { customerId: value }) === wanted);
}

/** Any stream of that name: only its primary key is read. */
function streamNamed(name: string): StreamDefinition {
  const found = SOURCE_KINDS.flatMap(streamsOf).find((s) => s.name === name);
  return found ?? { name, table: name, primaryKey: 'id', cursorColumn: 'id', columns: [] };
}

async function rewriteWithout(staging: Staging, subject: ErasureSubject, hashes: ReadonlySet<string>, staged: StagedFile): Promise<number> {
  const kept: Row[] = [];
  let erased = 0;
  for await (const line of staging.readBatch({ uri: staging.objects.uriOf(staged.key) })) {
    if (rowOfSubject(subject, line, hashes)) erased += 1;
    else kept.push(line);
  }
  if (erased > 0) await staging.replaceRows(staged.key, kept);
  return erased;
}

export interface FileErasure {
  filesRewritten: number;
  rowsErased: number;
}

export async function eraseFromStagedFiles(
  staging: Staging,
  subject: ErasureSubject,
  kind: StagedKind,
  hashes: ReadonlySet<string>,
): Promise<FileErasure> {
  const files = (await listStagedFiles(staging, { except: [] })).filter((f) => f.kind === kind);
  const result: FileErasure = { filesRewritten: 0, rowsErased: 0 };
  for (const staged of files) {
    const erased = await rewriteWithout(staging, subject, hashes, staged);
    if (erased === 0) continue;
    result.filesRewritten += 1;
    result.rowsErased += erased;
  }
  return result;
}

/** The subject's records in the quarantine files of the scope, read without changing them. */
async function* quarantinedRecords(
  staging: Staging,
  subject: ErasureSubject,
  hashes: ReadonlySet<string>,
  scope: StagedScope,
): AsyncGenerator<{ staged: StagedFile; record: Row }> {
  const files = (await listStagedFiles(staging, scope)).filter((f) => f.kind === 'quarantine');
  for (const staged of files) {
    for await (const line of staging.readBatch({ uri: staging.objects.uriOf(staged.key) })) {
      if (rowOfSubject(subject, line, hashes)) yield { staged, record: isRow(line['record']) ? line['record'] : line };
    }
  }
}

/** The subject's record keys in quarantine files, read without changing them. */
export async function quarantinedKeysOf(
  staging: Staging,
  subject: ErasureSubject,
  connectorId: string,
  hashes: ReadonlySet<string>,
): Promise<string[]> {
  const keys: string[] = [];
  for await (const { staged, record } of quarantinedRecords(staging, subject, hashes, { connectorId })) {
    // The record's key is its stream's primary key (Zendesk's numeric id, SendGrid's sg_event_id…), as the table holds it: text.
    const key = record[streamNamed(staged.stream).primaryKey];
    if (typeof key === 'string' || typeof key === 'number') keys.push(String(key));
  }
  return keys;
}

/** Every connector's quarantined records of the subject: the failing rows its quality reports quote. */
export async function quarantinedRecordsOf(
  staging: Staging,
  subject: ErasureSubject,
  hashes: ReadonlySet<string>,
): Promise<SubjectRecord[]> {
  const records: SubjectRecord[] = [];
  for await (const { staged, record } of quarantinedRecords(staging, subject, hashes, { except: [] })) {
    records.push({ connectorId: staged.connectorId, stream: staged.stream, record });
  }
  return records;
}
