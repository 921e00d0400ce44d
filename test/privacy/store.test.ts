/**
 * Privacy in the control plane on PGlite: the audit log's one delete path, the keys of effects
 * recorded once swept with the run reports, and the keyed suppression list.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openPgliteClient } from '../../activities/store/pglite-client';
import type { SqlClient } from '../../activities/store/sql-client';
import { checkInboxEvent } from '../../activities/store/inbox';
import { sqlStore, type Store } from '../../activities/store/store';
import { type KeyRing, parseKeyRing } from '../../activities/secrets';
import { newKeyMaterial } from '../../activities/secrets/key-ring';
import { ColumnHasher } from '../../activities/privacy/personal-columns';
import { rowOfSubject } from '../../activities/privacy/subject-files';
import { createRetentionActivities } from '../../activities/privacy/retention-activities';
import type { SweepScope } from '../../domain/privacy';
import { logger } from '../../activities/logger';
import { Staging } from '../../activities/staging/staging';

const ringOf = (...keys: { id: string; key: string }[]): KeyRing =>
  parseKeyRing(keys.map((k) => `${k.id}:${k.key}`).join(','), 'test ring');
const connectorId = '3f2b8c1e-7a4d-4e5f-9b6a-1c2d3e4f5a6b';
const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();

let db: SqlClient;
let store: Store;
const oldKey = newKeyMaterial('old');

beforeAll(async () => {
  db = await openPgliteClient();
  store = sqlStore(db, ringOf(oldKey));
  await store.migrate();
});
afterAll(() => store.close());

async function auditAt(createdAt: string, type: string): Promise<void> {
  await db.query(`INSERT INTO connector_activity (config_id, user_id, activity_type, details, created_at) VALUES ($1, 'u', $2, '{}', $3)`, [
    connectorId,
    type,
    createdAt,
  ]);
}

const auditTypes = async (): Promise<string[]> => (await store.audit.list(connectorId, 1000)).map((a) => a.activityType).sort();

describe('the webhook inbox', () => {
  it('loses through the sweep exactly the events received before the window, and the proof finds none left', async () => {
    const deliver = (days: number, eventId: string) =>
      store.inbox.save({
        connectorId,
        receivedAt: new Date(Date.now() - days * 86_400_000),
        events: [checkInboxEvent({ eventId, email: `${eventId}@example.com`, payload: { sg_event_id: eventId }, quarantineReason: null })],
      });
    await deliver(45, 'old-event');
    await deliver(2, 'young-event');
    const cutoff = daysAgo(30);
    const scope = { kind: 'connector', connectorId } as const;

    expect(await store.privacy.countPastWindow('webhook-inbox', scope, cutoff)).toBe(1);
    expect(await store.privacy.sweepControlPlane('webhook-inbox', scope, cutoff)).toBe(1);
    expect(await store.privacy.countPastWindow('webhook-inbox', scope, cutoff)).toBe(0);
    expect((await store.inbox.read(connectorId, '0', 10)).map((event) => event.eventId)).toEqual(['young-event']);
  });
});

describe('the audit log', () => {
  it('loses through the sweep exactly the entries past the window, and the proof finds none left', async () => {
    await auditAt(daysAgo(40), 'old.one');
    await auditAt(daysAgo(31), 'old.two');
    await auditAt(daysAgo(29), 'young.one');
    const cutoff = daysAgo(30);
    const scope = { kind: 'connector', connectorId } as const;

    expect(await store.privacy.countPastWindow('audit-log', scope, cutoff)).toBe(2);
    expect(await store.privacy.sweepControlPlane('audit-log', scope, cutoff)).toBe(2);
    expect(await store.privacy.countPastWindow('audit-log', scope, cutoff)).toBe(0);
    expect(await auditTypes()).toEqual(['young.one']);
  });

  it('still refuses UPDATE, TRUNCATE and any DELETE outside the sweep, even with a forged cutoff', async () => {
    await auditAt(daysAgo(100), 'kept.old');
    await expect(db.query('DELETE FROM connector_activity WHERE config_id = $1', [connectorId])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(db.query(`UPDATE connector_activity SET activity_type = 'x' WHERE config_id = $1`, [connectorId])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(db.exec('TRUNCATE connector_activity')).rejects.toThrow(/append-only: TRUNCATE refused/);
    const forged = db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('insight_hub.audit_sweep_cutoff', $1, true)`, [new Date().toISOString()]);
      await tx.query('DELETE FROM connector_activity WHERE config_id = $1', [connectorId]);
    });
    await expect(forged).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.query(`SELECT sweep_audit_log(now() + interval '1 day', NULL, '{}')`)).rejects.toThrow(/not in the past/);
    expect(await auditTypes()).toEqual(['kept.old', 'young.one']);
  });
});

describe('the keys of effects recorded once', () => {
  const keyAt = (key: string, days: number) =>
    db.query('INSERT INTO recorded_effect (effect_key, recorded_at) VALUES ($1, $2)', [key, daysAgo(days)]);
  const keys = async (): Promise<string[]> =>
    z
      .array(z.object({ effect_key: z.string() }))
      .parse(await db.query(`SELECT effect_key FROM recorded_effect WHERE effect_key LIKE '%/test-%' ORDER BY effect_key`))
      .map((row) => row.effect_key);
  const retention = () =>
    createRetentionActivities({
      store,
      staging: new Staging(path.join(os.tmpdir(), 'ih-no-staging')),
      logger,
      connectWarehouse: () => Promise.reject(new Error('a control-plane sweep opens no warehouse')),
    });
  const sweepRunReports = (scope: SweepScope, window: string) =>
    retention().sweepRetentionTarget({ dataType: 'run-reports', scope, window });
  const platform: SweepScope = { kind: 'platform', except: [] };

  it("an activity's keys go with the run reports' platform sweep once past its cutoff and a week old; a load's stay", async () => {
    await keyAt('activity/test-a-400-days', 400);
    await keyAt('activity/test-b-40-days', 40);
    await keyAt('activity/test-c-10-days', 10);
    await keyAt('activity/test-d-3-days', 3);
    // A load's key stays while the warehouse's ledger remembers the load: a cycle may read the batch again.
    await keyAt('load/test-e-400-days', 400);

    // A connector's own window: its reports go, the keys (which name no connector) stay.
    await sweepRunReports({ kind: 'connector', connectorId }, '1d');
    expect(await keys()).toHaveLength(5);

    // A window of 30 days: the keys older than that go.
    await sweepRunReports(platform, '30d');
    expect(await keys()).toEqual(['activity/test-c-10-days', 'activity/test-d-3-days', 'load/test-e-400-days']);

    // A window of a day: none younger than a week goes all the same.
    await sweepRunReports(platform, '1d');
    expect(await keys()).toEqual(['activity/test-d-3-days', 'load/test-e-400-days']);
    let written = 0;
    expect(await store.recordOnce('activity/test-d-3-days', async () => void (written += 1))).toBe(false);
    expect(await store.recordOnce('load/test-e-400-days', async () => void (written += 1))).toBe(false);
    expect(written).toBe(0);
  });

  it('are swept only before an instant, named as one', async () => {
    await expect(store.forgetRecordedEffects('last week', 'activity/')).rejects.toThrow(/recorded effects cutoff.*ISO-8601/);
  });
});

describe('the suppression list', () => {
  it('matches the subject however its email is cased, holds no plaintext, and still matches after a key rotation', async () => {
    const request = await store.privacy.createErasureRequest({
      subject: { email: 'Ada.Lovelace@Example.com' },
      reason: 'gdpr',
      requestedBy: 'dpo',
    });
    const subject = await store.privacy.openErasureSubject(request.id);
    expect(subject).toEqual({ email: 'Ada.Lovelace@Example.com' });
    await store.privacy.suppressSubject({ email: 'Ada.Lovelace@Example.com' }, request.id, []);
    await store.privacy.suppressSubject({ customerId: 'CUST-7' }, request.id, []);

    const stored = JSON.stringify(await db.query('SELECT * FROM suppression_list'));
    expect(stored.toLowerCase()).not.toContain('lovelace');
    expect(stored).not.toContain('CUST-7');
    const sealed = JSON.stringify(await db.query('SELECT * FROM erasure_request'));
    expect(sealed.toLowerCase()).not.toContain('lovelace');

    const list = await store.privacy.loadSuppressionList();
    expect(list.matches({ email: 'ada.lovelace@example.com' })).toBe(true);
    expect(list.matches({ email: 'someone.else@example.com', customer_id: 'CUST-7' })).toBe(true);
    expect(list.matches({ email: 'someone.else@example.com', customer_id: 'CUST-8' })).toBe(false);
    // Zendesk names its person requester_email: the same subject, suppressed there too.
    expect(list.matches({ id: 42, requester_email: 'ADA.Lovelace@example.com', status: 'open' })).toBe(true);
    expect(
      rowOfSubject({ email: 'ada.lovelace@example.com' }, { record: { requester_email: 'Ada.Lovelace@Example.com' } }, new Set()),
    ).toBe(true);

    const rotated = sqlStore(db, ringOf(newKeyMaterial('new'), oldKey));
    expect((await rotated.privacy.loadSuppressionList()).matches({ email: 'ADA.LOVELACE@example.com' })).toBe(true);
    const withoutOld = sqlStore(db, ringOf(newKeyMaterial('other')));
    expect((await withoutOld.privacy.loadSuppressionList()).matches({ email: 'ada.lovelace@example.com' })).toBe(false);
  });

  it('tells the subjects erased since an earlier reading of it, under the key each was hashed with', async () => {
    const request = await store.privacy.createErasureRequest({
      subject: { email: 'grace@example.com' },
      reason: 'gdpr',
      requestedBy: 'dpo',
    });
    await store.privacy.suppressSubject({ email: 'grace@example.com' }, request.id, []);
    const earlier = await store.privacy.loadSuppressionList();
    // Erased after a rotation: hashed under the new key, while the old one still matches the earlier subject.
    const rotated = sqlStore(db, ringOf(newKeyMaterial('next'), oldKey));
    await rotated.privacy.suppressSubject({ customerId: 'CUST-42' }, request.id, []);
    const now = await rotated.privacy.loadSuppressionList();

    const since = now.since(earlier);
    expect(since.size).toBe(1);
    expect(since.matches({ customer_id: 'CUST-42' })).toBe(true);
    expect(since.matches({ email: 'grace@example.com' })).toBe(false);
    expect(now.since(now).size).toBe(0);
    expect(now.sameAs(await rotated.privacy.loadSuppressionList())).toBe(true);
    expect(now.sameAs(earlier)).toBe(false);
  });

  it('keeps out a row whose hashed column holds the subject, and tells those values apart from the subject hash', async () => {
    const request = await store.privacy.createErasureRequest({
      subject: { email: 'mary@example.com' },
      reason: 'gdpr',
      requestedBy: 'dpo',
    });
    const earlier = await store.privacy.loadSuppressionList();
    const hashed = new ColumnHasher(ringOf(newKeyMaterial('columns'))).subjectHashes({ email: 'Mary@Example.com' });
    await store.privacy.suppressSubject({ email: 'mary@example.com' }, request.id, hashed);
    const list = await store.privacy.loadSuppressionList();

    for (const { hash } of hashed) expect(list.matches({ id: 7, requester_email: hash })).toBe(true);
    expect(list.matches({ id: 8, requester_email: 'f'.repeat(64) })).toBe(false);
    expect(list.matches({ email: 'mary@example.com' })).toBe(true);
    const since = list.since(earlier);
    expect(since.size).toBe(1 + hashed.length);
    expect(since.matches({ email: hashed[0]?.hash ?? '' })).toBe(true);
    expect(list.sameAs(await store.privacy.loadSuppressionList())).toBe(true);
    // Again (a retried step): nothing added twice.
    await store.privacy.suppressSubject({ email: 'mary@example.com' }, request.id, hashed);
    expect((await store.privacy.loadSuppressionList()).size).toBe(list.size);

    await expect(
      store.privacy.suppressSubject({ email: 'mary@example.com' }, request.id, [{ keyId: 'columns', hash: 'MARY' }]),
    ).rejects.toThrow(/must be 64 lowercase hex digits\s+→ at \[0\]\.hash/);
  });

  it('drops the sealed subject when the erasure completes', async () => {
    const request = await store.privacy.createErasureRequest({ subject: { customerId: 'CUST-9' }, reason: 'ccpa', requestedBy: 'dpo' });
    await store.privacy.saveErasureReceipt({
      requestId: request.id,
      workflowId: request.workflowId,
      reason: 'ccpa',
      subjectKind: 'customerId',
      status: 'completed',
      requestedAt: request.requestedAt,
      finishedAt: new Date().toISOString(),
      steps: [],
    });
    expect(await store.privacy.openErasureSubject(request.id)).toBeNull();
    expect((await store.privacy.getErasureRequest(request.id))?.status).toBe('completed');
  });
});
