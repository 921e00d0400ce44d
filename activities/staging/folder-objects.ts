/**
 * Staged objects in a local folder: the embedded default, for one host (or hosts sharing a network
 * file system). A write goes to a temporary file renamed into place, so a reader never sees half a
 * batch. Names starting with a dot are the folder's own (decrypted copies in use by a load,
 * temporary files) and are never listed as objects.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConnectorError } from '../errors';
import type { StagedObject, StagedObjects } from './objects';

const isMissing = (error: unknown): boolean => error instanceof Error && 'code' in error && error.code === 'ENOENT';

export class FolderObjects implements StagedObjects {
  constructor(readonly root: string) {}

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  keyOf(uri: string): string {
    const relative = uri.startsWith('file:') ? path.relative(this.root, fileURLToPath(uri)) : '';
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ConnectorError('data', `staged file ${uri} is not in the staging folder ${this.root}`);
    }
    return relative.split(path.sep).join('/');
  }

  async put(key: string, body: Readable): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a rewrite of the same content is harmless, and a killed write leaves only a .tmp.
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
    try {
      await pipeline(body, createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    // Opened first, so a missing file fails here rather than in the middle of a reader.
    const handle = await open(this.pathOf(key), 'r');
    return handle.createReadStream();
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (info) => info.isFile(),
      () => false,
    );
  }

  async *list(prefix: string): AsyncIterable<StagedObject> {
    // A prefix ending inside a name (`conn` of `connector-1/…`) is matched on the walk's keys.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    for await (const key of this.walk(base)) {
      if (!key.startsWith(prefix)) continue;
      const info = await stat(this.pathOf(key)).catch((error: unknown) => {
        if (isMissing(error)) return null; // removed meanwhile (a sweep, a load's clean-up)
        throw error;
      });
      if (info) yield { key, modifiedAt: info.mtime };
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private async *walk(dirKey: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey === '' ? this.root : this.pathOf(dirKey), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) yield* this.walk(key);
      else if (entry.isFile() && !entry.name.endsWith('.tmp')) yield key;
    }
  }
}
