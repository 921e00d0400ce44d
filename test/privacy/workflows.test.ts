/**
 * Retention sweeps and erasure requests on the real Temporal test server, with a real DuckDB
 * warehouse, PGlite store and staging folder; loads go through the cycle's own loadBatch activity.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createCycleActivities } from '../../activities/cycle-activities';
import { logger } from '../../activities/logger';
import { createErasureActivities } from '../../activities/privacy/erasure-activities';
import { ColumnHasher } from '../../activities/privacy/personal-columns';
import { createRetentionActivities } from '../../activities/privacy/retention-activities';
import { parseKeyRing } from '../../activities/secrets';
import { keyEntry } from '../secrets/fixtures';
import { sourcePlugins } from '../../activities/sources';
import type { Row } from '../../activities/sources/types';
import { loadingPlainFiles } from '../../activities/staging/plain-file-loads';
import { localPath, Staging } from '../../activities/staging/staging';
import { inboxReader } from '../../activities/store/inbox';
import { connectWarehouse } from '../../activities/warehouses';
import type { DestinationConfig, Connector } from '../../domain/connector';
import { loadIdFor } from '../../domain/constants';
import { erasureWorkflowId, retentionSettingsSchema, type RetentionSweepInput } from '../../domain/privacy';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { erasureRequest, retentionSweep } from '../../workflows';
import { connectorInput, qualityReport } from '../store/fixtures';
import { onTeardown } from '../support/fixture';
import { useStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal } from '../support/temporal';

const contact = salesforceStreams.contact;
const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();
const row = (id: string, email: string, modifiedDaysAgo: number, extra: Partial<Row> = {}): Row => ({
  id,
  customer_id: `C-${id}`,
  first_name: 'Test',
  last_name: id,
  email,
  phone: null,
  title: null,
  account_id: null,
  mailing_country: 'DE',
  lead_source: 'Web',
  is_active: true,
  has_opted_out_of_email: false,
  created_at: daysAgo(modifiedDaysAgo),
  system_modstamp: daysAgo(modifiedDaysAgo),
  last_modified_at: daysAgo(modifiedDaysAgo),
  is_deleted: false,
  ...extra,
});

const temporal = useTemporal();
const folder = useTempDir('privacy-');
const control = useStore();
let staging: Staging;
let connector: Connector;
let taskQueue: string;
// As the worker opens them: loads are given staged files, made local plain files for the load.
const open = async (config: DestinationConfig) => loadingPlainFiles(await connectWarehouse(config, folder.path), staging);
let cycle: ReturnType<typeof createCycleActivities>;

beforeAll(async () => {
  const { store } = control;
  const dir = folder.path;
  staging = new Staging(path.join(dir, 'staging'));
  const input = connectorInput('dpo-test');
  connector = await store.connectors.create({
    ...input,
    configuration: { ...input.configuration, destination: { kind: 'duckdb', schema: 'marketing', path: path.join(dir, 'wh.duckdb') } },
  });
  cycle = createCycleActivities({
    store,
    staging,
    logger,
    plugins: sourcePlugins({ inbox: inboxReader(store.inbox) }),
    connectWarehouse: open,
  });
  taskQueue = uniqueName('privacy');
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: temporal.bundle,
    activities: {
      ...createRetentionActivities({ store, staging, logger, connectWarehouse: open }),
      ...createErasureActivities({ store, staging, logger, connectWarehouse: open, columnHasher }),
    },
  });
  const running = worker.run();
  onTeardown(async () => {
    worker.shutdown();
    await running;
  });
});

/** The worker's ring of personal-column keys after a rotation: "cols-2" active, "cols-1" what rows read before it were hashed under. */
const oldColumnKey = keyEntry('cols-1');
const columnHasher = new ColumnHasher(parseKeyRing(`${keyEntry('cols-2')},${oldColumnKey}`, 'the test'));
const columnHasherBeforeRotation = new ColumnHasher(parseKeyRing(oldColumnKey, 'the test'));

async function load(rows: Row[], quarantined: Row[] = []) {
  const area = `${connector.id}/contact`;
  const clean = await staging.writeBatch(area, contact, rows, null);
  const quarantine = quarantined.length
    ? await staging.writeBatch(
        `${area}/quarantine`,
        contact,
        quarantined.map((record) => ({ record, reasons: ['not_null(last_name)'] })),
        null,
      )
    : null;
  return cycle.loadBatch({
    connectorId: connector.id,
    userId: connector.userId,
    source: 'salesforce',
    stream: 'contact',
    loadId: loadIdFor(connector.id, 'contact', clean.sha256),
    clean,
    quarantine,
  });
}

/** The one column a query selects from the connector's warehouse, as text. */
async function columnOf(sql: string, column: string): Promise<string[]> {
  const warehouse = await open(connector.configuration.destination);
  try {
    return (await warehouse.query(sql)).map((r) => String(r[column]));
  } finally {
    await warehouse.close();
  }
}

const tableIds = () => columnOf('SELECT id FROM marketing.salesforce_contact ORDER BY id', 'id');
const customerEmails = () => columnOf('SELECT email FROM marketing.customer', 'email');

const settings = (windows: Record<string, string>, every = '1d') => retentionSettingsSchema.parse({ windows, every, grace: '1s' });

function sweep(input: RetentionSweepInput) {
  return temporal.client.workflow.execute(retentionSweep, { taskQueue, workflowId: uniqueName('sweep'), args: [input] });
}

it('loads no row whose consent flag withdraws consent, and counts it', async () => {
  const result = await load([
    row('consent-1', 'yes@example.com', 1),
    row('consent-2', 'inactive@example.com', 1, { is_active: false }),
    row('consent-3', 'optout@example.com', 1, { has_opted_out_of_email: true }),
  ]);
  expect(result.withoutConsent).toBe(2);
  expect(await tableIds()).toEqual(expect.arrayContaining(['consent-1']));
  expect(await tableIds()).not.toEqual(expect.arrayContaining(['consent-2']));
  expect(await tableIds()).not.toEqual(expect.arrayContaining(['consent-3']));
});

it('a warehouse sweep deletes exactly the rows past the window and its proof finds none left', async () => {
  await load([row('old-1', 'o1@example.com', 40), row('old-2', 'o2@example.com', 31), row('new-1', 'n1@example.com', 29)]);
  const report = await sweep({ dataType: 'warehouse', settings: settings({ warehouse: '30d' }) });
  const [outcome] = report.outcomes;
  expect(outcome?.status).toBe('swept');
  if (outcome?.status !== 'swept') return;
  expect(outcome.result.deleted).toBe(2);
  expect(outcome.result.remaining).toBe(0);
  const ids = await tableIds();
  expect(ids).toContain('new-1');
  expect(ids).not.toContain('old-1');
  expect(ids).not.toContain('old-2');
  const audit = await control.store.audit.list(connector.id, 100);
  expect(audit.find((a) => a.activityType === 'retention.swept')?.metrics).toEqual({ deleted: 2, remaining: 0 });
});

it('a staging sweep removes only files older than the window; a late sweep raises a compliance alert', async () => {
  const fresh = await staging.writeBatch(`${connector.id}/lead`, salesforceStreams.lead, [{ id: 'fresh' }], null);
  const stale = await staging.writeBatch(`${connector.id}/lead`, salesforceStreams.lead, [{ id: 'stale' }], null);
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
  await utimes(localPath(stale), tenDaysAgo, tenDaysAgo);
  await control.store.privacy.recordRetentionProof({
    target: { dataType: 'quarantine', scope: { kind: 'platform', except: [] }, window: '30d' },
    cutoff: daysAgo(40),
    deleted: 0,
    remaining: 0,
    proof: 'seeded',
    sweptAt: daysAgo(10),
  });

  const report = await sweep({ dataType: 'staging', settings: settings({ staging: '7d' }, '1m') });
  expect(report.outcomes.map((o) => (o.status === 'swept' ? o.result.remaining : -1))).toEqual([0]);
  expect(await staging.exists(fresh)).toBe(true);
  expect(await staging.exists(stale)).toBe(false);
  expect(report.late.map((l) => l.dataType)).toContain('quarantine');
  const alerts = (await control.store.audit.list('00000000-0000-0000-0000-000000000000', 100)).filter(
    (a) => a.activityType === 'compliance.alert',
  );
  expect(alerts.map((a) => a.details['kind'])).toContain('sweep-late');
});

it('an erasure leaves the subject in no store, keeps it out of history, and suppresses it when it is sent again', async () => {
  const email = 'grace.hopper@example.com';
  await load([row('er-1', email, 1), row('er-2', 'keep@example.com', 1)], [row('er-q', email, 1, { last_name: null })]);
  const staged = await staging.writeBatch(
    `${connector.id}/contact`,
    contact,
    [row('er-3', email.toUpperCase(), 1), row('er-4', 'other@example.com', 1)],
    null,
  );
  expect(await tableIds()).toContain('er-1');

  const request = await control.store.privacy.createErasureRequest({ subject: { email }, reason: 'gdpr', requestedBy: 'dpo' });
  const handle = await temporal.client.workflow.start(erasureRequest, {
    taskQueue,
    workflowId: erasureWorkflowId(request.id),
    args: [{ requestId: request.id }],
  });
  const receipt = await handle.result();
  expect(receipt.status).toBe('completed');
  expect(receipt.steps.find((s) => s.step === 'warehouse')?.deleted['duckdb:salesforce_contact']).toBe(1);
  expect(receipt.steps.find((s) => s.step === 'warehouse')?.deleted['duckdb:_ih_quarantine']).toBe(1);
  // The erasure reaches the customer models too: rebuilt from what is left, the subject gone.
  expect(receipt.steps.find((s) => s.step === 'warehouse')?.deleted['duckdb:customer models rebuilt']).toBeGreaterThan(0);
  expect(await customerEmails()).toContain('keep@example.com');
  expect(await customerEmails()).not.toContain(email);
  expect(receipt.steps.find((s) => s.step === 'staging')?.deleted['staging rows']).toBeGreaterThanOrEqual(2);

  expect(await tableIds()).not.toContain('er-1');
  expect(await tableIds()).toContain('er-2');
  const rewritten: Row[] = [];
  for await (const r of staging.readBatch(staged)) rewritten.push(r);
  expect(rewritten.map((r) => r['id'])).toEqual(['er-4']);
  expect((await control.store.privacy.getErasureRequest(request.id))?.status).toBe('completed');
  expect(await control.store.privacy.openErasureSubject(request.id)).toBeNull();

  const history = JSON.stringify(await handle.fetchHistory());
  expect(history.toLowerCase()).not.toContain('grace.hopper');

  const again = await load([row('er-5', 'Grace.Hopper@example.com', 1), row('er-6', 'fine@example.com', 1)]);
  expect(again.suppressed).toBe(1);
  expect(await tableIds()).not.toContain('er-5');
  expect(await tableIds()).toContain('er-6');
});

it('an erasure takes the subject out of what quality reports quote and what a killed load left, and counts both', async () => {
  const email = 'katherine.johnson@example.com';
  const phone = '+1 757 555 0142';
  // The cycle quarantined the subject's row; its report quoted the failing values (in the letter case the source sent).
  await staging.writeBatch(
    `${connector.id}/contact/quarantine`,
    contact,
    [{ record: row('kj-1', email, 1, { phone, last_name: null }), reasons: ['not_null(last_name)'] }],
    null,
  );
  const quoting = await control.store.qualityReports.save({
    connectorId: connector.id,
    stream: 'contact',
    batchSha256: 'a'.repeat(64),
    report: qualityReport(40, [
      {
        type: 'expect_column_values_to_be_unique',
        column: 'email',
        unexpected: 3,
        quoted: ['Katherine.Johnson@Example.com', 'KATHERINE.JOHNSON@example.com', 'dup@example.com'],
      },
      { type: 'expect_column_values_to_be_unique', column: 'phone', unexpected: 2, quoted: [phone, '+1 757 555 0199'] },
    ]),
  });
  // What a load killed on a host without /proc/self/fd left: a named plaintext copy, its process gone.
  const finished = spawn('true');
  await once(finished, 'exit');
  const leftBehind = path.join(folder.path, 'staging', '.opened', `${encodeURIComponent(hostname())}+${finished.pid}+${randomUUID()}`);
  await mkdir(leftBehind, { recursive: true });
  await writeFile(path.join(leftBehind, 'batch.ndjson'), `${JSON.stringify(row('kj-2', email, 1))}\n`);

  const request = await control.store.privacy.createErasureRequest({ subject: { email }, reason: 'gdpr', requestedBy: 'dpo' });
  const receipt = await temporal.client.workflow.execute(erasureRequest, {
    taskQueue,
    workflowId: erasureWorkflowId(request.id),
    args: [{ requestId: request.id }],
  });
  expect(receipt.status).toBe('completed');
  expect(receipt.steps.find((s) => s.step === 'quarantine')?.deleted).toMatchObject({
    'quality reports redacted': 1,
    'quality report values redacted': 3,
  });
  expect(receipt.steps.find((s) => s.step === 'staging')?.deleted['decrypted load copies removed']).toBeGreaterThanOrEqual(1);

  const stored = await control.store.qualityReports.get(quoting);
  const text = JSON.stringify(stored?.report).toLowerCase();
  expect(text).not.toContain(email);
  expect(text).not.toContain(phone);
  expect(text).toContain('dup@example.com');
  expect(stored?.report).toMatchObject({ results: [{ result: { unexpected_count: 3 } }, { result: { unexpected_count: 2 } }] });
  expect(await readdir(path.join(folder.path, 'staging', '.opened'))).toEqual([]);
});

it('an erasure finds the subject where a connector hashed its email: in any letter case the hash was taken of, under a key rotated out since', async () => {
  const email = 'Ada.Lovelace@Example.com';
  const hashedNow = columnHasher.hashColumn('email', email); // trimmed and in lower case, under the active key
  const hashedBeforeRotation = columnHasherBeforeRotation.hashColumn('email', email);
  const hashedAsWritten = columnHasher.hash(email); // a row hashed before addresses were lowercased: the source's letter case
  expect(new Set([hashedNow, hashedBeforeRotation, hashedAsWritten]).size).toBe(3);
  const other = columnHasher.hashColumn('email', 'charles.babbage@example.com');
  await load(
    [row('hx-1', hashedNow, 1), row('hx-2', hashedBeforeRotation, 1), row('hx-3', hashedAsWritten, 1), row('hx-4', other, 1)],
    [row('hx-q', hashedNow, 1, { last_name: null })],
  );
  const staged = await staging.writeBatch(`${connector.id}/contact`, contact, [row('hx-5', hashedNow, 1), row('hx-6', other, 1)], null);

  // Asked for as the person writes it today: another letter case than the source's.
  const request = await control.store.privacy.createErasureRequest({
    subject: { email: 'ada.lovelace@EXAMPLE.com' },
    reason: 'gdpr',
    requestedBy: 'dpo',
  });
  const receipt = await temporal.client.workflow.execute(erasureRequest, {
    taskQueue,
    workflowId: erasureWorkflowId(request.id),
    args: [{ requestId: request.id }],
  });
  expect(receipt.status).toBe('completed');
  const warehouse = receipt.steps.find((s) => s.step === 'warehouse')?.deleted;
  // The row hashed in the source's letter case is found only when the request writes it the same way: this one does not.
  expect(warehouse?.['duckdb:salesforce_contact']).toBe(2);
  expect(warehouse?.['duckdb:_ih_quarantine']).toBe(1);
  const ids = await tableIds();
  expect(ids).not.toContain('hx-1');
  expect(ids).not.toContain('hx-2');
  expect(ids).toEqual(expect.arrayContaining(['hx-3', 'hx-4']));
  const rewritten: Row[] = [];
  for await (const r of staging.readBatch(staged)) rewritten.push(r);
  expect(rewritten.map((r) => r['id'])).toEqual(['hx-6']);

  // A page staged with the hash before the erasure and loaded after it (a batch awaiting approval) is kept out too.
  const late = await load([row('hx-7', hashedNow, 1), row('hx-8', hashedBeforeRotation, 1), row('hx-9', other, 1)]);
  expect(late.suppressed).toBe(2);
  expect(await tableIds()).not.toContain('hx-7');
  expect(await tableIds()).toContain('hx-9');

  const asWritten = await control.store.privacy.createErasureRequest({ subject: { email }, reason: 'gdpr', requestedBy: 'dpo' });
  await temporal.client.workflow.execute(erasureRequest, {
    taskQueue,
    workflowId: erasureWorkflowId(asWritten.id),
    args: [{ requestId: asWritten.id }],
  });
  expect(await tableIds()).not.toContain('hx-3');
  expect(await tableIds()).toContain('hx-4');
});
