/**
 * Staged batches encrypted at rest: nothing readable on disk, the same BatchRef for the same rows,
 * every reader working as before (a warehouse load from them: test/staging/conformance.test.ts), and altered files refused.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseKeyRing, type KeyRing } from '../../activities/secrets';
import { PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { localPath, Staging } from '../../activities/staging/staging';
import type { Row } from '../../activities/sources/types';
import type { BatchRef } from '../../domain/cycle';
import { keyEntry } from '../secrets/fixtures';
import { useTempDir } from '../support/temp-dir';
import { people, person } from '../warehouses/fixtures';

const ring = (...entries: string[]): KeyRing => parseKeyRing(entries.join(','), PAYLOAD_KEYS_VARIABLE);
const rowsOf = (count: number): Row[] => Array.from({ length: count }, (_, i) => person(`p${i}`));

/** The batch read whole, as the quality gate reads it. */
const readWhole = async (staging: Staging, ref: Pick<BatchRef, 'uri'>): Promise<Row[]> =>
  (await staging.readLines(ref)).map((line) => JSON.parse(line) as Row);

async function readAll(staging: Staging, ref: Pick<BatchRef, 'uri'>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of staging.readBatch(ref)) rows.push(row);
  return rows;
}

describe('encrypted staging', () => {
  const k1 = keyEntry('k1');
  const k2 = keyEntry('k2');
  const folder = useTempDir('sealed-staging-', { each: true });

  test('a batch on disk holds no email, and reads back row for row across many segments', async () => {
    const rows = rowsOf(2_000); // ≈ 500 KB: several 64 KiB segments
    const staging = new Staging(path.join(folder.path, 'sealed'), ring(k1));
    const ref = await staging.writeBatch('a', people, rows, null);
    const onDisk = await readFile(localPath(ref));
    expect(onDisk.length).toBeGreaterThan(300_000);
    for (const row of [rows[0], rows[1_999]]) expect(onDisk.includes(String(row?.email))).toBe(false);
    expect(onDisk.includes('example.com')).toBe(false);
    expect(await readAll(staging, ref)).toEqual(rows);
    // The quality gate's reader, which takes the whole batch at once, reads the same rows.
    expect(await readWhole(staging, ref)).toEqual(rows);
  });

  test('plain copies a killed load left behind are discarded once stale, a young one (a load still running) is kept', async () => {
    const staging = new Staging(path.join(folder.path, 'sealed'), ring(k1));
    const ref = await staging.writeBatch('a', people, rowsOf(3), null);
    let leftBehind = '';
    await staging.withPlainFiles([localPath(ref)], async ([plain]) => {
      leftBehind = path.dirname(plain ?? '');
      // What a SIGKILL mid-load leaves: the copy, with the load's finally never run.
      await writeFile(path.join(folder.path, 'sealed', '.opened', 'marker'), '');
      await mkdir(path.join(folder.path, 'sealed', '.opened', 'killed-load'), { recursive: true });
      await writeFile(path.join(folder.path, 'sealed', '.opened', 'killed-load', 'batch.ndjson'), JSON.stringify(person('p0')));
    });
    expect(leftBehind).toContain('.opened');
    const inTwoHours = new Date(Date.now() + 2 * 3_600_000);
    expect(await staging.discardStalePlainCopies(3_600_000)).toBe(0);
    expect(await staging.discardStalePlainCopies(3_600_000, inTwoHours)).toBe(2);
    expect(await readdir(path.join(folder.path, 'sealed', '.opened'))).toEqual([]);
  });

  test('content addressing is unchanged: the hash of the plaintext NDJSON, the same as unencrypted staging', async () => {
    const rows = rowsOf(3);
    const sealed = await new Staging(path.join(folder.path, 'sealed'), ring(k1)).writeBatch('a', people, rows, null);
    const again = await new Staging(path.join(folder.path, 'sealed'), ring(k2, k1)).writeBatch('a', people, rows, null);
    const plain = await new Staging(path.join(folder.path, 'plain')).writeBatch('a', people, rows, null);
    const ndjson = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    expect(sealed.sha256).toBe(createHash('sha256').update(ndjson).digest('hex'));
    expect(again).toEqual(sealed);
    expect({ ...sealed, uri: null }).toEqual({ ...plain, uri: null });
    expect(sealed.bytes).toBe(Buffer.byteLength(ndjson));
  });

  test('after rotation a file under the rotated-out key still reads; a ring without it refuses, naming it', async () => {
    const rows = rowsOf(5);
    const ref = await new Staging(folder.path, ring(k1)).writeBatch('a', people, rows, null);
    expect(await readAll(new Staging(folder.path, ring(k2, k1)), ref)).toEqual(rows);
    await expect(readAll(new Staging(folder.path, ring(k2)), ref)).rejects.toThrow(/"k1".*INSIGHT_HUB_PAYLOAD_KEYS/s);
  });

  test('an altered byte, a truncated file or appended bytes are refused', async () => {
    const staging = new Staging(folder.path, ring(k1));
    const ref = await staging.writeBatch('a', people, rowsOf(400), null);
    const file = localPath(ref);
    const original = await readFile(file);

    const altered = Buffer.from(original);
    altered[Math.floor(altered.length / 2)] = (altered[Math.floor(altered.length / 2)] ?? 0) ^ 0x01;
    await writeFile(file, altered);
    await expect(readAll(staging, ref)).rejects.toThrow(/integrity check/);
    await expect(readWhole(staging, ref)).rejects.toThrow(/integrity check/);

    await writeFile(file, original);
    await truncate(file, original.length - 100);
    await expect(readAll(staging, ref)).rejects.toThrow(/truncated/);
    await expect(readWhole(staging, ref)).rejects.toThrow(/truncated/);

    await writeFile(file, Buffer.concat([original, original.subarray(-40)]));
    await expect(readAll(staging, ref)).rejects.toThrow(/after its last segment/);
    await expect(readWhole(staging, ref)).rejects.toThrow(/after its last segment/);
  });

  test('a batch staged in plain before encryption was turned on still reads', async () => {
    const rows = rowsOf(4);
    const ref = await new Staging(folder.path).writeBatch('a', people, rows, null);
    expect(await readAll(new Staging(folder.path, ring(k1)), ref)).toEqual(rows);
    expect(await readWhole(new Staging(folder.path, ring(k1)), ref)).toEqual(rows);
  });
});
