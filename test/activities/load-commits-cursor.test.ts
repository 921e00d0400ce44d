/**
 * The cycle's loadBatch moving the read's cursor itself (the `load-commits-cursor` step), against a
 * real DuckDB warehouse, store and staging folder: a retry after a crash moves nothing twice, and a
 * cursor another cycle moved is left as it is, for commitCursor to refuse.
 */
import path from 'node:path';
import { createCycleActivities } from '../../activities/cycle-activities';
import { logger } from '../../activities/logger';
import { sourcePlugins } from '../../activities/sources';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { loadingPlainFiles } from '../../activities/staging/plain-file-loads';
import { Staging } from '../../activities/staging/staging';
import { inboxReader } from '../../activities/store/inbox';
import { connectWarehouse } from '../../activities/warehouses';
import type { Connector, DestinationConfig } from '../../domain/connector';
import { loadIdFor } from '../../domain/constants';
import type { StreamCursor } from '../../domain/cycle';
import { connectorInput } from '../store/fixtures';
import { contactRow } from './contact-rows';
import { useStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';

const contact = salesforceStreams.contact;
const folder = useTempDir('load-commits-');
const control = useStore();
let staging: Staging;
let cycle: ReturnType<typeof createCycleActivities>;

beforeAll(() => {
  staging = new Staging(path.join(folder.path, 'staging'));
  const open = async (config: DestinationConfig) => loadingPlainFiles(await connectWarehouse(config, folder.path), staging);
  cycle = createCycleActivities({
    store: control.store,
    staging,
    logger,
    plugins: sourcePlugins({ inbox: inboxReader(control.store.inbox) }),
    connectWarehouse: open,
  });
});

async function aConnector(name: string): Promise<Connector> {
  const input = connectorInput(name);
  return control.store.connectors.create({
    ...input,
    configuration: {
      ...input.configuration,
      destination: { kind: 'duckdb', schema: 'marketing', path: path.join(folder.path, `${name}.duckdb`) },
    },
  });
}

async function loadCommitting(connector: Connector, ids: string[], cursor: StreamCursor, previous: StreamCursor | null) {
  const clean = await staging.writeBatch(`${connector.id}/contact`, contact, ids.map(contactRow), cursor);
  const { id: connectorId, userId } = connector;
  const loadId = loadIdFor(connectorId, contact.name, clean.sha256);
  const commit = { key: contact.name, cursor, previous };
  return cycle.loadBatch({ connectorId, userId, source: 'salesforce', stream: contact.name, loadId, clean, quarantine: null, commit });
}

const first: StreamCursor = { value: '2026-11-01T00:00:00.000Z', lastKey: '003B' };
const second: StreamCursor = { value: '2026-11-02T00:00:00.000Z', lastKey: '003D' };

test("a load commits the read's cursor after its rows; the same load again (a retry) loads and moves nothing twice", async () => {
  const connector = await aConnector('load-commits');
  const loaded = await loadCommitting(connector, ['003A', '003B'], first, null);
  expect(loaded).toMatchObject({ alreadyLoaded: false, merged: 2, cursorCommitted: true });
  expect(await control.store.cursors.get(connector.id)).toMatchObject({ contact: first });

  const again = await loadCommitting(connector, ['003A', '003B'], first, null);
  expect(again).toMatchObject({ alreadyLoaded: true, merged: 2, cursorCommitted: true });
  expect(await control.store.cursors.get(connector.id)).toMatchObject({ contact: first });
});

test('a cursor another cycle moved meanwhile is not overwritten: the rows load, and the load says the cursor is not its own', async () => {
  const connector = await aConnector('cursor-moved');
  await control.store.cursors.commit(connector.id, 'contact', second, null);
  const loaded = await loadCommitting(connector, ['003A', '003B'], first, null);
  expect(loaded).toMatchObject({ alreadyLoaded: false, merged: 2, cursorCommitted: false });
  expect(await control.store.cursors.get(connector.id)).toMatchObject({ contact: second });
});
