/**
 * Personal columns kept, hashed or dropped before anything is staged: through the real cycle (real
 * Temporal, the worker composition, the Zendesk simulator, a DuckDB warehouse). A hashed column lands
 * as the keyed hash of its value, the same value the same hash, so it still joins; a dropped column's
 * values reach neither the staged files nor the warehouse; a config that cannot be applied is refused
 * naming the field.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ColumnHasher } from '../../activities/privacy/personal-columns';
import { parseKeyRing } from '../../activities/secrets';
import { connectWarehouse } from '../../activities/warehouses';
import { connectorSettingsSchema } from '../../domain/connector';
import type { PersonalColumns } from '../../domain/personal-columns';
import { startZendeskSimulator } from '../../simulators/zendesk/server';
import { ingestionCycle } from '../../workflows';
import { zendeskConfigFor } from '../sources/cases/zendesk';
import { useFixture } from '../support/fixture';
import { startTestWorkers } from '../support/stack';
import { useStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal } from '../support/temporal';

const columnKeys = parseKeyRing(`columns:${randomBytes(32).toString('base64')}`, 'the test');
const hasher = new ColumnHasher(columnKeys);

describe('personal columns in the connector config', () => {
  const zendesk = { kind: 'zendesk', baseUrl: 'http://127.0.0.1:1', email: 'a@b.example', apiToken: 't', apiTokenIssuedAt: '2026-01-01' };
  const refusal = (personalColumns: unknown) => {
    const parsed = connectorSettingsSchema.safeParse({ source: zendesk, personalColumns });
    return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  };

  it('takes keep, hash and drop on columns of the source', () => {
    expect(refusal({ tickets: { requester_email: 'hash', requester_name: 'drop', subject: 'keep' } })).toEqual([]);
  });

  it('refuses what it cannot apply, naming the field and the rule', () => {
    expect(refusal({ ticket: { requester_email: 'hash' } })).toEqual([
      { path: 'personalColumns.ticket', message: 'is not a stream of zendesk; its streams: tickets' },
    ]);
    expect(refusal({ tickets: { email: 'drop' } })).toEqual([
      { path: 'personalColumns.tickets.email', message: expect.stringContaining('is not a column of stream tickets') },
    ]);
    expect(refusal({ tickets: { requester_id: 'hash' } })).toEqual([
      { path: 'personalColumns.tickets.requester_id', message: 'can only be hashed when it is text; it is integer' },
    ]);
    expect(refusal({ tickets: { id: 'drop' } })).toEqual([{ path: 'personalColumns.tickets.id', message: expect.stringContaining('key') }]);
    expect(refusal({ tickets: { subject: 'mask' } })).toEqual([
      { path: 'personalColumns.tickets.subject', message: 'must be keep, hash or drop' },
    ]);
  });
});

describe('personal columns through the cycle', () => {
  const temporal = useTemporal();
  const stores = useStore();
  const folder = useTempDir('insight-hub-personal-columns-');
  const taskQueue = uniqueName('personal-columns');
  const sim = useFixture('the Zendesk simulator', async (defer) => {
    const started = await startZendeskSimulator({ tickets: 60, flawRates: { updateDuringExport: 0, deleted: 0 } });
    defer(() => started.stop());
    return started;
  });
  useFixture('the workers', async (defer) => {
    const options = {
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      store: stores.store,
      dataDir: folder.path,
      taskQueue,
      workflowBundle: temporal.bundle,
      columnKeys,
    };
    await startTestWorkers(options, defer);
  });

  /** One cycle of a Zendesk connector with these personal columns; its tickets as loaded. */
  async function load(
    personalColumns: PersonalColumns,
  ): Promise<{ connectorId: string; rows: Record<string, unknown>[]; suppressed: number }> {
    const schema = `pc_${uniqueName('')
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12)}`;
    const connector = await stores.store.connectors.create({
      userId: 'marketing-ops',
      name: 'personal columns',
      status: 'active',
      configuration: connectorSettingsSchema.parse({
        source: zendeskConfigFor(sim()),
        destination: { kind: 'duckdb', schema },
        guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
        automationLevel: 'auto',
        personalColumns,
      }),
    });
    const report = await temporal.client.workflow.execute(ingestionCycle, {
      taskQueue,
      workflowId: uniqueName(`cycle/${connector.id}`),
      args: [{ connectorId: connector.id, trigger: 'manual' }],
    });
    expect(report.status).toBe('completed');
    const warehouse = await connectWarehouse(connector.configuration.destination, folder.path);
    try {
      const rows = await warehouse.query(`SELECT * FROM ${schema}.zendesk_tickets ORDER BY id`);
      return { connectorId: connector.id, rows, suppressed: report.streams.reduce((sum, stream) => sum + stream.suppressed, 0) };
    } finally {
      await warehouse.close();
    }
  }

  /** Every staged file of the connector, as text (the test stages unsealed). */
  async function stagedText(connectorId: string): Promise<string> {
    const area = path.join(folder.path, 'staging', connectorId);
    const files = (await readdir(area, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    const texts = await Promise.all(files.map((file) => readFile(path.join(file.parentPath, file.name), 'utf8')));
    return texts.join('\n');
  }

  it('lands a hashed column as the keyed hash of its value and keeps a dropped one out of staging and the warehouse', async () => {
    const plain = await load({});
    const screened = await load({ tickets: { requester_email: 'hash', requester_name: 'drop' } });
    expect(screened.rows).toHaveLength(plain.rows.length);

    const names = plain.rows.map((row) => row.requester_name).filter((name): name is string => typeof name === 'string');
    expect(names.length).toBeGreaterThan(10);
    expect(screened.rows.every((row) => row.requester_name === null)).toBe(true);
    const staged = await stagedText(screened.connectorId);
    expect(staged.length).toBeGreaterThan(0);
    for (const name of new Set(names)) expect(staged).not.toContain(name);
    expect(staged).not.toContain('"requester_name"');

    const plainById = new Map(plain.rows.map((row) => [row.id, row]));
    let hashed = 0;
    for (const row of screened.rows) {
      const email = plainById.get(row.id)?.requester_email;
      if (typeof email !== 'string') {
        expect(row.requester_email).toBeNull(); // a requester without email stays null, not the hash of nothing
        continue;
      }
      hashed += 1;
      // An address is hashed trimmed and in lower case, the form erasure looks for.
      expect(row.requester_email).toBe(hasher.hash(email.trim().toLowerCase()));
      expect(staged).not.toContain(email);
    }
    expect(hashed).toBeGreaterThan(10);
  }, 120_000);

  it('gives the same value the same hash, so hashed columns still join across connectors', async () => {
    const first = await load({ tickets: { requester_email: 'hash' } });
    const second = await load({ tickets: { requester_email: 'hash', subject: 'drop' } });
    const requesterOf = (rows: Record<string, unknown>[]) => new Map(rows.map((row) => [row.requester_email, row.requester_id]));
    const secondByHash = requesterOf(second.rows);
    const joined = first.rows.filter((row) => row.requester_email !== null && secondByHash.get(row.requester_email) === row.requester_id);
    expect(joined.length).toBe(first.rows.filter((row) => row.requester_email !== null).length);
    // Tickets of one requester carry one hash: it is a join key, not a per-row token.
    const hashesPerRequester = new Map<unknown, Set<unknown>>();
    for (const row of first.rows.filter((r) => r.requester_email !== null)) {
      hashesPerRequester.set(row.requester_id, (hashesPerRequester.get(row.requester_id) ?? new Set()).add(row.requester_email));
    }
    expect([...hashesPerRequester.values()].every((hashes) => hashes.size === 1)).toBe(true);
    expect(second.rows.every((row) => row.subject === null)).toBe(true);
  }, 120_000);

  // Last: the subject it erases stays on the suppression list of the store the tests above share.
  it('keeps an erased subject out where the connector hashes the column that names them, and counts their rows', async () => {
    const plain = await load({});
    const emails = plain.rows.map((row) => row.requester_email).filter((email): email is string => typeof email === 'string');
    const erased = emails[0];
    if (!erased) throw new Error('the simulator gave no requester an email');
    const theirs = emails.filter((email) => email.toLowerCase() === erased.toLowerCase()).length;
    await stores.store.privacy.suppressSubject({ email: erased.toUpperCase() }, randomUUID(), []);

    const screened = await load({ tickets: { requester_email: 'hash' } });
    expect(screened.suppressed).toBe(theirs);
    expect(screened.rows).toHaveLength(plain.rows.length - theirs);
    expect(screened.rows.map((row) => row.requester_email)).not.toContain(hasher.hash(erased.trim().toLowerCase()));
    expect(await stagedText(screened.connectorId)).not.toContain(hasher.hash(erased.trim().toLowerCase()));
    const audited = (await stores.store.audit.list(screened.connectorId)).filter((entry) => entry.activityType === 'privacy.rows-screened');
    expect(audited.reduce((sum, entry) => sum + Number(entry.metrics?.suppressed ?? 0), 0)).toBe(theirs);
    expect(JSON.stringify(audited).toLowerCase()).not.toContain(erased.toLowerCase());

    // Dropped instead: the load could no longer tell whose the rows are, so extraction kept them out.
    const dropped = await load({ tickets: { requester_email: 'drop' } });
    expect(dropped.suppressed).toBe(theirs);
    expect(dropped.rows).toHaveLength(plain.rows.length - theirs);
  }, 120_000);
});
