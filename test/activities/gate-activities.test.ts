/**
 * measureBatch's schema figures against a real DuckDB warehouse: a table altered in the warehouse by
 * hand is a schema change the guardrails see, though the schema stored at the last load is unchanged.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
import type { BatchRef, QualitySummary } from '../../domain/cycle';
import { streamDefinition } from '../../domain/sources';
import { createGateActivities } from '../../activities/gate-activities';
import { logger } from '../../activities/logger';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { connectWarehouse } from '../../activities/warehouses';

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
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'marketing-ops',
      name: 'Salesforce contacts',
      configuration: {
        source: {
          kind: 'salesforce',
          loginUrl: 'http://127.0.0.1:8080',
          auth: { type: 'access-token', accessToken: 'token-for-tests' },
          streams: ['contact'],
        },
        destination,
      },
    }),
  );
  connectorId = connector.id;
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
