/**
 * Staging conformance: the same cases on a local folder and on S3-compatible object storage (a real
 * moto_server): content addressing, encryption at rest, rows read back, loads from plain copies, the
 * retention sweep and erasure of staged and quarantined files, and a second host reading what the
 * first staged.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { eraseFromStagedFiles } from '../../activities/privacy/subject-files';
import { listStagedFiles, sweepStagedFiles } from '../../activities/privacy/staged-files';
import { parseKeyRing } from '../../activities/secrets';
import { PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import type { Row } from '../../activities/sources/types';
import { openStaging, parseStagingUrl, type StagingLocation } from '../../activities/staging/location';
import { loadingPlainFiles } from '../../activities/staging/plain-file-loads';
import { UPLOAD_PART_BYTES } from '../../activities/staging/s3-objects';
import type { Staging } from '../../activities/staging/staging';
import { connectWarehouse } from '../../activities/warehouses';
import { keyEntry } from '../secrets/fixtures';
import { useFixture } from '../support/fixture';
import { motoServer, useS3Server } from '../support/s3-server';
import { useTempDir } from '../support/temp-dir';
import { uniqueName } from '../support/temporal';
import { CONNECTOR_ID, people, person } from '../warehouses/fixtures';

const keys = parseKeyRing(keyEntry('k1'), PAYLOAD_KEYS_VARIABLE);
const rowsOf = (count: number, prefix = 'p'): Row[] => Array.from({ length: count }, (_, i) => person(`${prefix}${i}`));

async function readAll(staging: Staging, uri: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of staging.readBatch({ uri })) rows.push(row);
  return rows;
}

interface Place {
  name: string;
  /** A fresh location for each test; skipped (with the reason) when the place cannot be had here. */
  missing?: string;
  location(dir: string): Promise<StagingLocation>;
}

function describeStaging(place: Place): void {
  const describeIf = place.missing ? describe.skip : describe;
  describeIf(`staging in ${place.name}${place.missing ? ` (skipped: ${place.missing})` : ''}`, () => {
    const folder = useTempDir('staging-conformance-', { each: true });
    /** Two hosts' staging over one location: each with its own local folder, as two machines have. */
    const hosts = useFixture(
      'two hosts on one staging',
      async (defer) => {
        const location = await place.location(folder.path);
        const open = async (host: string) => {
          const staging = await openStaging(location, { keys, localDir: path.join(folder.path, host) });
          defer(() => staging.close());
          return staging;
        };
        return { location, first: await open('host-a'), second: await open('host-b') };
      },
      { each: true },
    );

    test('the same rows make the same ref, read back row for row on another host', async () => {
      const { first, second, location } = hosts();
      const rows = rowsOf(300);
      const ref = await first.writeBatch(`${CONNECTOR_ID}/person`, people, rows, null);
      const again = await second.writeBatch(`${CONNECTOR_ID}/person`, people, rows, null);
      expect(again).toEqual(ref);
      expect(ref.uri.startsWith(location.kind === 's3' ? 's3://' : 'file://')).toBe(true);
      expect(await readAll(second, ref.uri)).toEqual(rows);
      expect(await second.exists(ref)).toBe(true);
      expect(await second.exists({ uri: ref.uri.replace(ref.sha256, '0'.repeat(64)) })).toBe(false);
    });

    test('a staged file holds no row in plain', async () => {
      const { first } = hosts();
      const rows = rowsOf(50);
      const ref = await first.writeBatch('c/person', people, rows, null);
      const stored = await buffer(await first.objects.get(first.objects.keyOf(ref.uri)));
      expect(stored.includes('example.com')).toBe(false);
      expect(stored.subarray(0, 8).toString('latin1')).toBe('IHSEAL1\n');
    });

    test('a batch larger than an upload part reads back whole', async () => {
      const { first, second } = hosts();
      // ≈ 2.5 KB a row: more than one part of a multipart upload.
      const rows = Array.from({ length: Math.ceil((UPLOAD_PART_BYTES * 1.5) / 2_500) }, (_, i) =>
        person(`big${i}`, { attributes: { note: 'x'.repeat(2_300) } }),
      );
      const ref = await first.writeBatch('c/person', people, rows, null);
      expect(ref.bytes).toBeGreaterThan(UPLOAD_PART_BYTES);
      const back = await readAll(second, ref.uri);
      expect(back.length).toBe(rows.length);
      expect(back.at(-1)).toEqual(rows.at(-1));
    });

    test('another host loads a batch into a warehouse from a plain copy that is gone after the load', async () => {
      const { first, second } = hosts();
      const rows = rowsOf(40);
      const clean = await first.writeBatch(`${CONNECTOR_ID}/person`, people, rows, null);
      const quarantine = await first.writeBatch(
        `${CONNECTOR_ID}/person/quarantine`,
        people,
        [{ record: person('q1', { email: null }), reasons: ['not_null(email)'] }],
        null,
      );
      const warehouse = loadingPlainFiles(await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, folder.path), second);
      try {
        await warehouse.ensureTable(people);
        const result = await warehouse.load({
          connectorId: CONNECTOR_ID,
          source: 'salesforce',
          stream: people,
          loadId: 'conformance-load',
          cleanFile: clean.uri,
          quarantineFile: quarantine.uri,
        });
        expect(result.merged).toBe(rows.length);
        const loaded = await warehouse.query(`select id, email from marketing.${people.table} order by id`);
        expect(loaded).toEqual(
          rows.map((row) => ({ id: row['id'], email: row['email'] })).sort((a, b) => String(a.id).localeCompare(String(b.id))),
        );
        expect(await warehouse.query('select record_key from marketing._ih_quarantine')).toEqual([{ record_key: 'q1' }]);
      } finally {
        await warehouse.close();
      }
      expect(await second.discardStalePlainCopies(0)).toBe(0);
      const copies = path.join(folder.path, 'host-b', '.opened');
      expect(await readdir(copies).catch(() => [])).toEqual([]);
    });

    test('the retention sweep deletes the files of its kind and scope past the cutoff, and proves none is left', async () => {
      const { first } = hosts();
      await first.writeBatch('conn-a/person', people, rowsOf(3, 'a'), null);
      await first.writeBatch('conn-a/person/quarantine', people, rowsOf(2, 'aq'), null);
      await first.writeBatch('conn-b/person', people, rowsOf(3, 'b'), null);
      const future = new Date(Date.now() + 60_000);
      expect(await sweepStagedFiles(first, { connectorId: 'conn-a' }, 'staging', new Date(Date.now() - 60_000))).toEqual({
        deleted: 0,
        remaining: 0,
      });
      expect(await sweepStagedFiles(first, { except: ['conn-b'] }, 'staging', future)).toEqual({ deleted: 1, remaining: 0 });
      const left = await listStagedFiles(first, { except: [] });
      expect(left.map((f) => `${f.connectorId} ${f.stream} ${f.kind}`).sort()).toEqual([
        'conn-a person quarantine',
        'conn-b person staging',
      ]);
      expect(await sweepStagedFiles(first, { connectorId: 'conn-a' }, 'quarantine', future)).toEqual({ deleted: 1, remaining: 0 });
    });

    test("an erasure rewrites the subject's rows out of staged and quarantined files, under their own names", async () => {
      const { first, second } = hosts();
      const clean = await first.writeBatch('conn-a/person', people, rowsOf(4, 'e'), null);
      const quarantine = await first.writeBatch(
        'conn-a/person/quarantine',
        people,
        [{ record: person('e1', { score: null }), reasons: ['not_null(score)'] }],
        null,
      );
      expect(await eraseFromStagedFiles(second, { email: 'e1@example.com' }, 'staging', new Set())).toEqual({
        filesRewritten: 1,
        rowsErased: 1,
      });
      expect(await eraseFromStagedFiles(second, { email: 'e1@example.com' }, 'quarantine', new Set())).toEqual({
        filesRewritten: 1,
        rowsErased: 1,
      });
      expect((await readAll(first, clean.uri)).map((row) => row['id'])).toEqual(['e0', 'e2', 'e3']);
      expect(await readAll(first, quarantine.uri)).toEqual([]);
      const stored = await buffer(await first.objects.get(first.objects.keyOf(clean.uri)));
      expect(stored.includes('example.com')).toBe(false);
    });
  });
}

describeStaging({
  name: 'a local folder',
  location: async (dir) => ({ kind: 'folder', path: path.join(dir, 'shared-staging') }),
});

const moto = motoServer();
const s3Missing = 'missing' in moto ? moto.missing : undefined;
// Started only where the environment exists: the suite above still runs without it.
const s3 = s3Missing ? () => ({ endpoint: '', credentials: {} }) : useS3Server();

describeStaging({
  name: 'S3-compatible object storage (moto_server)',
  ...(s3Missing && { missing: s3Missing }),
  location: async () => parseStagingUrl(`s3://${uniqueName('staging')}/insight-hub`, { endpoint: s3().endpoint }),
});

(s3Missing ? describe.skip : describe)('staging in S3 (moto_server) uploads', () => {
  test('a batch larger than a part goes up as a multipart upload', async () => {
    const location = parseStagingUrl(`s3://${uniqueName('parts')}`, { endpoint: s3().endpoint });
    const staging = await openStaging(location, { keys, localDir: path.join(tmpdir(), uniqueName('staging-parts')) });
    const client = new S3Client({ endpoint: s3().endpoint, forcePathStyle: true, region: 'us-east-1' });
    try {
      const rows = Array.from({ length: Math.ceil((UPLOAD_PART_BYTES * 2.5) / 2_500) }, (_, i) =>
        person(`big${i}`, { attributes: { note: 'x'.repeat(2_300) } }),
      );
      const ref = await staging.writeBatch('c/person', people, rows, null);
      if (location.kind !== 's3') throw new Error('an s3 location was asked for');
      const head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: `c/person/${ref.sha256}.ndjson` }));
      // An object uploaded in parts has the ETag "<md5 of the parts' md5s>-<parts>".
      expect(head.ETag).toMatch(/-3"$/);
    } finally {
      client.destroy();
      await staging.close();
    }
  });
});
