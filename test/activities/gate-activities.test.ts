/**
 * measureBatch's schema figures against a real DuckDB warehouse: a table altered in the warehouse by
 * hand is a schema change the guardrails see, though the schema stored at the last load is unchanged;
 * and validateBatch's measure, the same figures taken in the quality gate's step.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DestinationConfig } from '../../domain/connector';
import type { BatchRef, QualitySummary } from '../../domain/cycle';
import { gateFigures } from '../../domain/guardrails';
import { streamDefinition } from '../../domain/sources';
import { createCycleActivities } from '../../activities/cycle-activities';
import { createGateActivities } from '../../activities/gate-activities';
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

// One in-memory store for the file (migrating it is the slow part); each test has its own connector and warehouse.
beforeAll(async () => {
  store = await openStore({});
});
afterAll(() => store.close());

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ih-gate-'));
  connectorId = await createContactsConnector(store, destination);
  // As after a first load: the table made from the stream, and the stream's columns stored.
  const warehouse = await connectWarehouse(destination, dataDir);
  try {
    await warehouse.ensureTable(contact);
  } finally {
    await warehouse.close();
  }
  await store.streamSchemas.save(connectorId, contact.name, contact.columns);
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** What someone with warehouse access does outside Insight Hub, through DuckDB itself. */
async function alterByHand(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(path.join(dataDir, 'warehouse.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function measureSchemaChanges() {
  const gate = createGateActivities({ store, logger, connectWarehouse: (config) => connectWarehouse(config, dataDir) });
  const batch: BatchRef = {
    uri: 'file:///staging/contact.ndjson',
    stream: contact.name,
    rows: 2,
    bytes: 300,
    sha256: createHash('sha256').update('two contacts').digest('hex'),
    schema: 'contact-v1',
    cursorAfter: null,
  };
  const quality: QualitySummary = {
    reportId: 'report-1',
    evaluated: 2,
    valid: 2,
    invalid: 0,
    deletes: 0,
    invalidShare: 0,
    failuresByRule: {},
    success: true,
    clean: batch,
    quarantine: null,
  };
  const figures = await gate.measureBatch({
    connectorId,
    source: 'salesforce',
    stream: contact.name,
    batch,
    quality,
    rowsThisCycle: 2,
    apiCallsThisCycle: 1,
  });
  return figures.schemaChanges;
}

test('an unchanged table is no schema change', async () => {
  expect(await measureSchemaChanges()).toEqual([]);
});

test('a column dropped from the table by hand is reported: loading would add it back', async () => {
  await alterByHand('ALTER TABLE marketing.salesforce_contact DROP COLUMN title');

  expect(await measureSchemaChanges()).toEqual([{ column: 'title', change: 'added', to: 'string' }]);
});

test('a column added by hand is reported as one the stream does not have, and once when both sources name it', async () => {
  await alterByHand('ALTER TABLE marketing.salesforce_contact ADD COLUMN legacy_score DOUBLE');
  expect(await measureSchemaChanges()).toEqual([{ column: 'legacy_score', change: 'dropped', from: 'number' }]);

  // The stored schema also had the column: both sources name it, the report has it once.
  await store.streamSchemas.save(connectorId, contact.name, [...contact.columns, { name: 'legacy_score', type: 'number' }]);
  expect(await measureSchemaChanges()).toEqual([{ column: 'legacy_score', change: 'dropped', from: 'number' }]);
});

test("validateBatch asked to measure gives the gate the same figures as measureBatch, with the day's spend and the table's rows", async () => {
  const staging = new Staging(path.join(dataDir, 'staging'));
  const connect = async (config: DestinationConfig) => loadingPlainFiles(await connectWarehouse(config, dataDir), staging);
  const gate = createGateActivities({ store, logger, connectWarehouse: connect });
  const cycle = createCycleActivities({
    store,
    staging,
    logger,
    plugins: sourcePlugins({ inbox: inboxReader(store.inbox) }),
    connectWarehouse: connect,
  });
  await alterByHand(`INSERT INTO marketing.salesforce_contact (id, email) VALUES ('003OLD', 'old@example.com')`);
  await store.metrics.add({ connectorId, userId: 'marketing-ops' }, new Date().toISOString().slice(0, 10), { apiCalls: 40, costUsd: 0.5 });
  const rows = ['003A', '003B'].map(contactRow);
  const batch = await staging.writeBatch(`${connectorId}/contact`, contact, rows, { value: '2026-11-01T00:00:00.000Z', lastKey: '003B' });

  const quality = await cycle.validateBatch({ connectorId, source: 'salesforce', batch, measure: true });
  if (!quality.measure) throw new Error('validateBatch measured nothing');
  const counted = { rowsThisCycle: 2, apiCallsThisCycle: 3 };
  const measured = await gate.measureBatch({ connectorId, source: 'salesforce', stream: contact.name, batch, quality, ...counted });
  expect(gateFigures(quality, quality.measure, counted)).toEqual(measured);
  expect(measured).toMatchObject({ tableRows: 1, apiCallsToday: 43, schemaChanges: [] });
  expect(measured.costTodayUsd).toBeGreaterThanOrEqual(0.5);
});
