/**
 * A connector's stored catalog: the streams of a cycle each store their entry at the same time
 * (saveStream), and none loses another's; a stream asked again replaces its own entry only.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogStream } from '../../domain/catalog';
import { ephemeralKeyRing } from '../../activities/secrets';
import { openStore } from '../../activities/store';
import { useStore, type OpenStore } from '../support/store';
import { describeOnPostgres } from './on-postgres';

const entry = (name: string, fields: string[]): CatalogStream => ({
  name,
  sourceName: name,
  defaultSelected: true,
  primaryKey: ['id'],
  cursorCandidates: ['system_modstamp'],
  fields: ['id', 'system_modstamp', ...fields].map((column) => ({
    column,
    sourceField: column,
    type: 'string',
    nullable: column !== 'id',
    personal: false,
  })),
});

function catalogTests(open: OpenStore<Awaited<ReturnType<typeof openStore>>>): void {
  const handle = useStore(open);

  test('entries stored at once by several streams are all kept; one asked again replaces only its own', async () => {
    const catalogs = handle.store.sourceCatalogs;
    const connectorId = randomUUID();
    const names = ['contact', 'lead', 'opportunity', 'campaign_member', 'campaign', 'account'];
    await Promise.all(
      names.map((name) => catalogs.saveStream(connectorId, 'salesforce', entry(name, ['name']), '2026-12-01T00:00:00.000Z')),
    );

    const stored = await catalogs.get(connectorId);
    expect(stored?.source).toBe('salesforce');
    expect(stored?.streams.map((stream) => stream.name).sort()).toEqual([...names].sort());

    await catalogs.saveStream(connectorId, 'salesforce', entry('lead', ['name', 'region__c']), '2026-12-02T00:00:00.000Z');
    const again = await catalogs.get(connectorId);
    expect(again?.discoveredAt).toBe('2026-12-02T00:00:00.000Z');
    expect(again?.streams).toHaveLength(names.length);
    expect(again?.streams.find((stream) => stream.name === 'lead')?.fields.map((field) => field.column)).toEqual([
      'id',
      'system_modstamp',
      'name',
      'region__c',
    ]);
    expect(again?.streams.find((stream) => stream.name === 'contact')).toEqual(entry('contact', ['name']));
  });

  test('a stream entry the catalog schema refuses is a clear error, never stored', async () => {
    const connectorId = randomUUID();
    const bad = { ...entry('contact', []), primaryKey: [] };
    await expect(handle.store.sourceCatalogs.saveStream(connectorId, 'salesforce', bad, '2026-12-01T00:00:00.000Z')).rejects.toThrow(
      /catalog stream/,
    );
    expect(await handle.store.sourceCatalogs.get(connectorId)).toBeNull();
  });
}

describe('source catalogs (embedded)', () => catalogTests(() => openStore({})));
describeOnPostgres('source catalogs (PostgreSQL: the upserts of parallel streams really overlap)', (freshDatabaseUrl) =>
  catalogTests(async () => openStore({ databaseUrl: await freshDatabaseUrl(), secrets: ephemeralKeyRing() })),
);
