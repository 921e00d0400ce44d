/**
 * The staged batch files a sweep or an erasure visits: keys `<connectorId>/<stream>/…`, quarantine
 * under a `quarantine` folder, in a staging folder or bucket alike.
 */
import type { Staging } from '../staging/staging';

export type StagedKind = 'staging' | 'quarantine';

export interface StagedFile {
  /** Its key in staging (Staging.objects). */
  key: string;
  connectorId: string;
  stream: string;
  kind: StagedKind;
  modifiedAt: Date;
}

/** Where to look: one connector's folder, or every connector's but the excepted ones. */
export type StagedScope = { connectorId: string } | { except: readonly string[] };

export async function listStagedFiles(staging: Staging, scope: StagedScope): Promise<StagedFile[]> {
  const files: StagedFile[] = [];
  for await (const { key, modifiedAt } of staging.list('connectorId' in scope ? `${scope.connectorId}/` : '')) {
    const [connectorId = '', stream = '', ...rest] = key.split('/');
    if (rest.length === 0 || ('except' in scope && scope.except.includes(connectorId))) continue;
    files.push({ key, connectorId, stream, kind: rest.includes('quarantine') ? 'quarantine' : 'staging', modifiedAt });
  }
  return files;
}

/** Deletes the scope's files of a kind last written before the cutoff; what is left of them, after, proves it. */
export async function sweepStagedFiles(
  staging: Staging,
  scope: StagedScope,
  kind: StagedKind,
  cutoff: Date,
): Promise<{ deleted: number; remaining: number }> {
  const expired = async () => (await listStagedFiles(staging, scope)).filter((f) => f.kind === kind && f.modifiedAt < cutoff);
  const doomed = await expired();
  await Promise.all(doomed.map((f) => staging.delete(f.key)));
  return { deleted: doomed.length, remaining: (await expired()).length };
}
