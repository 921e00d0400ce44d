/**
 * Where the process's keys come from: the variable when set; for the embedded demo, a key file
 * generated once under the data folder, readable by its owner only; never key bytes in the log.
 */
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { encryptSecret, decryptSecret } from '../../activities/secrets/cipher';
import { loadKeyRing } from '../../activities/secrets';
import { useTempDir } from '../support/temp-dir';
import { keyEntry } from './fixtures';

interface LogLine {
  level: 'info' | 'warn';
  fields: object;
  message: string;
}
const recordingLog = () => {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
    warn: (fields: object, message: string) => lines.push({ level: 'warn', fields, message }),
  };
};
const keyFileSchema = z.object({ keys: z.array(z.object({ id: z.string(), key: z.string() })) });

describe('loading the key ring', () => {
  const folder = useTempDir('secrets-keys-', { each: true });

  test('INSIGHT_HUB_SECRET_KEYS wins, writes no file, and the log names key ids only', async () => {
    const entries = [keyEntry('k2'), keyEntry('k1')];
    const log = recordingLog();
    const ring = await loadKeyRing({ secretKeys: entries.join(','), dataDir: folder.path, databaseUrl: 'postgresql://db/x' }, log);
    expect(ring.activeKeyId).toBe('k2');
    await expect(stat(path.join(folder.path, 'keys'))).rejects.toThrow(/ENOENT/);
    expect(JSON.stringify(log.lines)).toContain('k2');
    for (const entry of entries) expect(JSON.stringify(log.lines)).not.toContain(entry.split(':')[1]);
  });

  test('without the variable, a PostgreSQL control plane is refused with what to set', async () => {
    const loading = loadKeyRing({ secretKeys: undefined, dataDir: folder.path, databaseUrl: 'postgresql://db/x' }, recordingLog());
    await expect(loading).rejects.toThrow(/INSIGHT_HUB_SECRET_KEYS is required with DATABASE_URL.*randomBytes\(32\)/s);
  });

  test('the embedded demo generates a key once into DATA_DIR/keys/secrets.json (0600) and reuses it', async () => {
    const settings = { secretKeys: undefined, dataDir: folder.path, databaseUrl: undefined };
    const firstLog = recordingLog();
    const first = await loadKeyRing(settings, firstLog);
    const file = path.join(folder.path, 'keys', 'secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o077).toBe(0);
    const stored = keyFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(stored.keys.map((k) => k.id)).toEqual([first.activeKeyId]);

    expect(firstLog.lines).toEqual([
      { level: 'info', fields: { keyFile: file, activeKeyId: first.activeKeyId }, message: expect.stringMatching(/generated a key/) },
    ]);
    expect(JSON.stringify(firstLog.lines)).not.toContain(stored.keys[0]?.key);

    const again = await loadKeyRing(settings, recordingLog());
    expect(again.activeKeyId).toBe(first.activeKeyId);
    expect(decryptSecret(again, encryptSecret(first, 'sealed by the first process'))).toBe('sealed by the first process');
    expect(keyFileSchema.parse(JSON.parse(await readFile(file, 'utf8')))).toEqual(stored);
  });

  test('processes starting at once end up with one key', async () => {
    const settings = { secretKeys: undefined, dataDir: folder.path, databaseUrl: undefined };
    const rings = await Promise.all(Array.from({ length: 6 }, () => loadKeyRing(settings, recordingLog())));
    expect(new Set(rings.map((ring) => ring.activeKeyId)).size).toBe(1);
    const [first] = rings;
    for (const ring of rings) expect(decryptSecret(ring, encryptSecret(first ?? ring, 'x'))).toBe('x');
  });

  test('a key file others can read is used with a warning; a damaged one is refused naming the file', async () => {
    const settings = { secretKeys: undefined, dataDir: folder.path, databaseUrl: undefined };
    const file = path.join(folder.path, 'keys', 'secrets.json');
    const ring = await loadKeyRing(settings, recordingLog());
    await chmod(file, 0o644);
    const log = recordingLog();
    expect((await loadKeyRing(settings, log)).activeKeyId).toBe(ring.activeKeyId);
    expect(log.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([expect.stringMatching(/chmod 600/)]);

    await rm(file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"keys": [', { mode: 0o600 });
    await expect(loadKeyRing(settings, recordingLog())).rejects.toThrow(`${file} is not a key file`);
  });
});
