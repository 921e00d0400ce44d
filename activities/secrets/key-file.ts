/**
 * The embedded demo's key ring, when INSIGHT_HUB_SECRET_KEYS is unset: generated once into
 * <DATA_DIR>/keys/secrets.json, readable by its owner only. Created by a hard link from a private
 * temporary file, so two processes starting at once end up with the same, complete file.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { jsonOrUndefined } from '../../domain/json-input';
import { ConnectorError } from '../errors';
import { KeyRing, newKeyMaterial, type KeyMaterial } from './key-ring';

const keyFileSchema = z.object({ keys: z.array(z.object({ id: z.string(), key: z.string() })).min(1) });

const keyFilePath = (dataDir: string): string => path.join(dataDir, 'keys', 'secrets.json');

export interface KeyFileRing {
  ring: KeyRing;
  file: string;
  created: boolean;
  /** Permission bits that let others than the owner read it (0 when none). */
  openToOthers: number;
}

export async function loadOrCreateKeyFile(dataDir: string): Promise<KeyFileRing> {
  const file = keyFilePath(dataDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const created = !(await exists(file)) && (await createOnce(file));
  const openToOthers = (await stat(file)).mode & 0o077;
  return { ring: KeyRing.of(await readKeys(file), file), file, created, openToOthers };
}

async function readKeys(file: string): Promise<KeyMaterial[]> {
  const parsed = keyFileSchema.safeParse(jsonOrUndefined(await readFile(file, 'utf8')));
  // The file's content is never quoted: it holds the keys.
  if (!parsed.success) throw new ConnectorError('config', `${file} is not a key file: ${z.prettifyError(parsed.error)}`);
  return parsed.data.keys;
}

async function createOnce(file: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const content = { keys: [newKeyMaterial(`local-${randomBytes(4).toString('hex')}`)] };
  await writeFile(draft, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return false;
    throw error;
  }
}

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined);
