/**
 * The staged batch files a sweep or an erasure visits, found by walking the staging folder:
 * `<root>/<connectorId>/<stream>/…`, quarantine under a `quarantine` folder. Folders starting with a
 * dot (decrypted copies in use by a load, erasure scratch space) are not batches.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export type StagedKind = 'staging' | 'quarantine';

export interface StagedFile {
  file: string;
  connectorId: string;
  stream: string;
  kind: StagedKind;
  modifiedAt: Date;
}

/** Where to look: one connector's folder, or every connector's but the excepted ones. */
export type StagedScope = { connectorId: string } | { except: readonly string[] };

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await entriesOf(dir)) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && !entry.name.endsWith('.tmp')) yield full;
  }
}

export async function listStagedFiles(root: string, scope: StagedScope): Promise<StagedFile[]> {
  const connectors =
    'connectorId' in scope
      ? [scope.connectorId]
      : (await entriesOf(root))
          .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !scope.except.includes(e.name))
          .map((e) => e.name);
  const files: StagedFile[] = [];
  for (const connectorId of connectors) {
    for await (const file of walk(path.join(root, connectorId))) {
      const [stream = '', ...rest] = path.relative(path.join(root, connectorId), file).split(path.sep);
      const { mtime } = await stat(file);
      files.push({ file, connectorId, stream, kind: rest.includes('quarantine') ? 'quarantine' : 'staging', modifiedAt: mtime });
    }
  }
  return files;
}
