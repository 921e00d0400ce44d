/**
 * The load's last screen for erased subjects, after the quality gate screened the batch in the same
 * worker: only people erased since are screened for (the batch is not read again when there are
 * none), and a person erased between the gate and the load still never reaches the warehouse.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DestinationConfig } from '../../domain/connector';
import { loadIdFor } from '../../domain/constants';
import type { BatchRef } from '../../domain/cycle';
import { streamDefinition } from '../../domain/sources';
import { createCycleActivities } from '../../activities/cycle-activities';
import { logger } from '../../activities/logger';
import { sourcePlugins } from '../../activities/sources';
import { loadingPlainFiles } from '../../activities/staging/plain-file-loads';
import { Staging } from '../../activities/staging/staging';
import { openStore } from '../../activities/store';
import { inboxReader } from '../../activities/store/inbox';
import type { Store } from '../../activities/store/store';
import { connectWarehouse } from '../../activities/warehouses';
import { contactRow } from './contact-rows';
import { createContactsConnector } from './contacts-connector';

const contact = streamDefinition('salesforce', 'contact');
const destination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };

let dataDir: string;
let store: Store;
let connectorId: string;
let staging: Staging;

beforeAll(async () => {
  store = await openStore({});
});
afterAll(() => store.close());

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ih-screenings-'));
  staging = new Staging(path.join(dataDir, 'staging'));
  connectorId = await createContactsConnector(store, destination);
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** A worker's cycle activities: the quality gate and the load share what the gate screened. */
const worker = () => {
  const connect = async (config: DestinationConfig) => loadingPlainFiles(await connectWarehouse(config, dataDir), staging);
  return createCycleActivities({
    store,
    staging,
    logger,
    plugins: sourcePlugins({ inbox: inboxReader(store.inbox) }),
    connectWarehouse: connect,
  });
};

const erase = (email: string) => store.privacy.suppressSubject({ email }, randomUUID(), []);

/**
 * Contacts staged as a page, validated by `gate`, then loaded by `loader`. (The store, and so its
 * suppression list, is the file's: each test has contacts of its own.)
 */
async function validateThenLoad(
  ids: string[],
  gate: ReturnType<typeof worker>,
  loader: ReturnType<typeof worker>,
  between = async () => {},
) {
  const batch: BatchRef = await staging.writeBatch(`${connectorId}/contact`, contact, ids.map(contactRow), {
    value: '2026-11-01T00:00:00.000Z',
    lastKey: ids.at(-1) ?? '',
  });
  const quality = await gate.validateBatch({ connectorId, source: 'salesforce', batch });
  await between();
  /** The batch's load (again, for a retry), and how often it read a staged file. */
  const load = async () => {
    const reads = jest.spyOn(staging, 'readLines');
    try {
      const loaded = await loader.loadBatch({
        connectorId,
        userId: 'marketing-ops',
        source: 'salesforce',
        stream: contact.name,
        loadId: loadIdFor(connectorId, contact.name, batch.sha256),
        clean: quality.clean,
        quarantine: quality.quarantine,
        suppressed: quality.suppressed ?? 0,
        ...(quality.withoutConsent !== undefined && { withoutConsent: quality.withoutConsent }),
      });
      return { loaded, readsByLoad: reads.mock.calls.length };
    } finally {
      reads.mockRestore();
    }
  };
  return { quality, ...(await load()), load };
}

async function loadedIds(): Promise<string[]> {
  const warehouse = await connectWarehouse(destination, dataDir);
  try {
    const rows = await warehouse.query('SELECT id FROM marketing.salesforce_contact ORDER BY id');
    return rows.map((row) => String(row['id']));
  } finally {
    await warehouse.close();
  }
}

test('with nobody erased since the gate screened the batch, the load does not read it again; its retry does', async () => {
  await erase('someone-else@example.com');
  const cycle = worker();
  const { loaded, readsByLoad, load } = await validateThenLoad(['003A', '003B', '003C'], cycle, cycle);
  expect(readsByLoad).toBe(0);
  expect(loaded).toMatchObject({ merged: 3, suppressed: 0 });
  expect(await loadedIds()).toEqual(['003A', '003B', '003C']);
  // What the gate screened is taken by the first load: a retry screens against the whole list.
  expect(await load()).toMatchObject({ readsByLoad: 1, loaded: { alreadyLoaded: true, suppressed: 0 } });
});

test('a person erased between the gate and the load is screened out by the load, and counted', async () => {
  await erase('someone-else@example.com');
  const cycle = worker();
  const { quality, loaded, readsByLoad } = await validateThenLoad(['003D', '003E', '003F'], cycle, cycle, () => erase('003E@example.com'));
  expect(quality).toMatchObject({ valid: 3, suppressed: 0 });
  expect(readsByLoad).toBe(1);
  expect(loaded).toMatchObject({ merged: 2, suppressed: 1 });
  expect(await loadedIds()).toEqual(['003D', '003F']);
});

test('a load on a worker that did not run the gate screens against the whole list', async () => {
  await erase('someone-else@example.com');
  const { loaded, readsByLoad } = await validateThenLoad(['003G', '003H', '003I'], worker(), worker());
  expect(readsByLoad).toBe(1);
  expect(loaded).toMatchObject({ merged: 3, suppressed: 0 });
  expect(await loadedIds()).toEqual(['003G', '003H', '003I']);
});
