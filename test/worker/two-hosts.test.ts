/**
 * Workers on two hosts: two worker processes with data folders of their own, sharing only Temporal,
 * PostgreSQL (control plane and warehouse) and S3-compatible staging. One is SIGKILLed with an
 * activity of a cycle in flight; the other takes the activity over once the heartbeats stop, and
 * finishes the cycle with every row once. The time from the kill to the retry is the heartbeat
 * detection figure (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { ProbeMessage } from '../../bench/faults/probe-messages';
import { rowOfSubject } from '../../activities/privacy/subject-files';
import { parseKeyRing } from '../../activities/secrets';
import { PAYLOAD_KEYS_VARIABLE, payloadDataConverter } from '../../activities/secrets/payload-codec';
import { openStaging, parseStagingUrl } from '../../activities/staging/location';
import { openStore } from '../../activities/store';
import { checkInboxEvent } from '../../activities/store/inbox';
import { connectWarehouse } from '../../activities/warehouses';
import { connectorSettingsSchema, type DestinationConfig } from '../../domain/connector';
import { cycleReportQuery } from '../../domain/messages';
import { erasureWorkflowId, retentionSettingsSchema } from '../../domain/privacy';
import { startSalesforceSimulator } from '../../simulators/salesforce/server';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { wakeDrain } from '../../api/cycles';
import { erasureRequest, ingestionCycle, retentionSweep } from '../../workflows';
import { createFreshDatabase, startPostgres } from '../store/postgres';
import { useFixture, useTestCleanups } from '../support/fixture';
import { motoServer, useS3Server } from '../support/s3-server';
import { eventually } from '../support/eventually';
import { useTempDir } from '../support/temp-dir';
import { startHost } from './host-process';
import { revalidateOnHosts } from './revalidate-on-hosts';
import { testServerAddress, uniqueName, useTemporal } from '../support/temporal';

const CONTACTS = 2_000;
const EVENTS = 40;
const secretKeys = `test:${randomBytes(32).toString('base64')}`;
const payloadKeys = `p1:${randomBytes(32).toString('base64')}`;

const postgres = startPostgres();
const moto = motoServer();
const missing = !postgres.available ? `needs PostgreSQL — ${postgres.reason}` : 'missing' in moto ? moto.missing : null;

(missing ? describe.skip : describe)(`two worker hosts${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const temporal = useTemporal();
  const s3 = missing ? () => ({ endpoint: '', credentials: {} }) : useS3Server();
  const folder = useTempDir('two-hosts-');
  const defer = useTestCleanups();
  const shared = useFixture('the shared databases', async (release) => {
    if (!postgres.available) throw new Error('PostgreSQL is not available');
    const control = await createFreshDatabase(postgres.adminUrl);
    release(() => control.drop());
    const warehouse = await createFreshDatabase(postgres.adminUrl);
    release(() => warehouse.drop());
    const store = await openStore({ databaseUrl: control.url, secrets: parseKeyRing(secretKeys, 'the test') });
    release(() => store.close());
    return { control, warehouse, store };
  });

  it('a host killed in the middle of a cycle: the other finishes it with every row once; both then re-validate quarantined rows, drain webhooks, erase and sweep', async () => {
    const { control, warehouse, store } = shared();
    const taskQueue = uniqueName('two-hosts');
    const stagingUrl = `s3://${uniqueName('hosts')}/staging`;
    const env = {
      TEMPORAL_ADDRESS: testServerAddress(),
      DATABASE_URL: control.url,
      INSIGHT_HUB_SECRET_KEYS: secretKeys,
      INSIGHT_HUB_PAYLOAD_KEYS: payloadKeys,
      INSIGHT_HUB_SOURCE_RATES: 'salesforce=20/1s',
      STAGING_URL: stagingUrl,
      STAGING_S3_ENDPOINT: s3().endpoint,
      ...s3().credentials,
    };
    const [a, b] = await Promise.all(
      ['a', 'b'].map((name) => startHost(name, taskQueue, env, path.join(folder.path, `host-${name}`), defer)),
    );
    if (!a || !b) throw new Error('two hosts were started');

    const sim = await startSalesforceSimulator({ counts: { Contact: CONTACTS }, deletedRate: 0, pageSize: 50 });
    defer(() => sim.stop());
    const destination: DestinationConfig = { kind: 'postgres', url: warehouse.url, schema: 'marketing' };
    const connector = await store.connectors.create({
      userId: 'marketing-ops',
      name: 'two hosts',
      status: 'active',
      configuration: connectorSettingsSchema.parse({
        source: {
          kind: 'salesforce',
          loginUrl: sim.url,
          auth: { type: 'oauth-password', ...sim.credentials },
          streams: ['contact'],
          batchSize: 200,
        },
        destination,
        guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
        automationLevel: 'auto',
      }),
    });
    const client = new Client({
      connection: temporal.env.connection,
      namespace: temporal.namespace,
      dataConverter: payloadDataConverter(parseKeyRing(payloadKeys, PAYLOAD_KEYS_VARIABLE)),
    });
    const cycle = await client.workflow.start(ingestionCycle, {
      taskQueue,
      workflowId: uniqueName(`cycle/${connector.id}`),
      args: [{ connectorId: connector.id, trigger: 'manual' }],
    });

    // In the middle: once a batch has loaded, host a freezes at its next start of a cycle step and is killed there.
    const loaded = (message: ProbeMessage) =>
      message.type === 'activity' && message.event === 'completed' && message.activityType === 'loadBatch';
    await Promise.race([a.next(loaded, 120_000), b.next(loaded, 120_000)]);
    // The run's live report shows the progress so far, once the workflow has taken the load's completion in.
    const progress = await eventually('the load in the live report', async () => {
      const report = await cycle.query(cycleReportQuery);
      return (report.streams[0]?.loaded ?? 0) > 0 ? report : undefined;
    });
    expect(progress.status).toBe('running');
    expect(progress.streams[0]?.loaded).toBeGreaterThan(0);
    a.hold(['extractPage', 'combinePages', 'validateBatch', 'loadBatch', 'commitCursor']);
    const { message: held } = await a.next((message) => message.type === 'holding', 60_000);
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    if (held.type !== 'holding') throw new Error('a hold was expected');

    const { at: retriedAt } = await b.next(
      (message) =>
        message.type === 'activity' &&
        message.event === 'started' &&
        message.workflowId === held.workflowId &&
        message.activityId === held.activityId &&
        message.attempt > held.attempt,
      120_000,
    );
    process.stdout.write(
      `heartbeat detection: ${held.activityType} retried on the other host ${retriedAt - killedAt} ms after the SIGKILL\n`,
    );

    // The live report is still answered, by the host that is left, and has lost nothing.
    const afterKill = await cycle.query(cycleReportQuery);
    expect(afterKill.streams[0]?.loaded).toBeGreaterThanOrEqual(progress.streams[0]?.loaded ?? 0);

    const report = await cycle.result();
    expect(report.status).toBe('completed');
    const stream = report.streams[0];
    const rows = await withWarehouse(destination, folder.path, (query) => query('SELECT id FROM marketing.salesforce_contact'));
    expect(new Set(rows.map((row) => String(row['id']))).size).toBe(rows.length);
    expect(rows.length + (stream?.quarantined ?? 0) + (stream?.withoutConsent ?? 0) + (stream?.suppressed ?? 0)).toBe(CONTACTS);
    expect(stream?.loaded).toBe(rows.length);

    // The batches were staged in the bucket both hosts share, not in either host's folder.
    const staging = await openStaging(parseStagingUrl(stagingUrl, { endpoint: s3().endpoint }), { localDir: folder.path });
    defer(() => staging.close());
    const staged: string[] = [];
    for await (const { key } of staging.list(`${connector.id}/`)) staged.push(key);
    expect(staged.length).toBeGreaterThan(0);
    for (const host of ['a', 'b'])
      expect(await readdir(path.join(folder.path, `host-${host}`, 'staging')).catch(() => [])).not.toContain(connector.id);

    // A supervisor starts host a again; the privacy work then runs over both hosts on the shared staging.
    await startHost('a', taskQueue, env, path.join(folder.path, 'host-a'), defer);
    // Re-validation with a relaxed suite while both hosts run: the quarantined rows come from the bucket.
    const revalidated = await revalidateOnHosts({
      client,
      taskQueue,
      store,
      connectorId: connector.id,
      withQuery: (use) => withWarehouse(destination, folder.path, use),
    });
    const optedOut = new Set(
      sim
        .records('Contact')
        .filter((record) => record['HasOptedOutOfEmail'] === true)
        .map((record) => String(record['Id'])),
    );
    const merged = revalidated.released.filter((id) => !optedOut.has(id));
    const ofBatch = [...revalidated.quarantinedBefore].filter(([, row]) => row.loadId === revalidated.batchLoadId);
    expect(revalidated.result).toMatchObject({
      outcome: 'applied',
      evaluated: ofBatch.length,
      released: revalidated.released.length,
      stillQuarantined: ofBatch.length - revalidated.released.length,
      merged: merged.length,
    });
    expect(revalidated.quarantineUri.startsWith(stagingUrl)).toBe(true);
    expect(revalidated.loadedAfter).toEqual([...revalidated.loadedBefore, ...merged].sort());
    expect(new Set(revalidated.loadedAfter).size).toBe(revalidated.loadedAfter.length);
    expect([...revalidated.quarantinedAfter.keys()].sort()).toEqual(
      [...revalidated.quarantinedBefore.keys()].filter((key) => !revalidated.released.includes(key)).sort(),
    );
    for (const [key] of ofBatch.filter(([key]) => !revalidated.released.includes(key)))
      expect(revalidated.quarantinedAfter.get(key)?.loadId).toBe(revalidated.result.loadId);
    for (const host of ['a', 'b'])
      expect(await readdir(path.join(folder.path, `host-${host}`, 'staging')).catch(() => [])).not.toContain(connector.id);
    // A webhook drain: SendGrid events stored in the inbox, the drain woken as the webhook route wakes it.
    const sendgrid = await store.connectors.create({
      userId: 'marketing-ops',
      name: 'SendGrid on two hosts',
      status: 'active',
      configuration: connectorSettingsSchema.parse({
        source: { kind: 'sendgrid', allowUnsigned: true },
        destination,
        guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
        automationLevel: 'auto',
      }),
    });
    const events = generateSendgridEvents(EVENTS);
    const inbox = events.map((event) =>
      checkInboxEvent({ eventId: event.sg_event_id, email: event.email, payload: event, quarantineReason: null }),
    );
    await store.inbox.save({ connectorId: sendgrid.id, receivedAt: new Date(), events: inbox });
    await wakeDrain(client, sendgrid, taskQueue);
    const drained = await eventually(
      'the drained events in the warehouse',
      async () => {
        const count = (sql: string) => withWarehouse(destination, folder.path, (query) => query(sql)).catch(() => []);
        const [row] = await count(
          'SELECT count(*)::integer AS n, count(DISTINCT sg_event_id)::integer AS distinct FROM marketing.sendgrid_events',
        );
        return row?.['n'] === EVENTS ? row : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(drained['distinct']).toBe(EVENTS);

    const [someone] = await withWarehouse(destination, folder.path, (query) =>
      query("SELECT email FROM marketing.salesforce_contact WHERE email LIKE '%@%' LIMIT 1"),
    );
    const subject = { email: String(someone?.['email']) };
    const request = await store.privacy.createErasureRequest({ subject, reason: 'gdpr', requestedBy: 'dpo' });
    const receipt = await client.workflow.execute(erasureRequest, {
      taskQueue,
      workflowId: erasureWorkflowId(request.id),
      args: [{ requestId: request.id }],
    });
    expect(receipt.status).toBe('completed');
    const left = await withWarehouse(destination, folder.path, (query) =>
      query(`SELECT id FROM marketing.salesforce_contact WHERE lower(email) = '${subject.email.toLowerCase().replace(/'/g, "''")}'`),
    );
    expect(left).toEqual([]);
    const sealed = await openStaging(parseStagingUrl(stagingUrl, { endpoint: s3().endpoint }), {
      keys: parseKeyRing(payloadKeys, PAYLOAD_KEYS_VARIABLE),
      localDir: folder.path,
    });
    defer(() => sealed.close());
    let stagedOfSubject = 0;
    for (const key of staged) {
      for await (const line of sealed.readBatch({ uri: sealed.objects.uriOf(key) }))
        if (rowOfSubject(subject, line, new Set())) stagedOfSubject += 1;
    }
    expect(stagedOfSubject).toBe(0);
    const sweep = await client.workflow.execute(retentionSweep, {
      taskQueue,
      workflowId: uniqueName('sweep'),
      args: [{ dataType: 'staging', settings: retentionSettingsSchema.parse({}) }],
    });
    expect(sweep.outcomes.length).toBeGreaterThan(0);
    expect(sweep.outcomes.map((outcome) => outcome.status)).toEqual(sweep.outcomes.map(() => 'swept'));
  }, 300_000);
});

async function withWarehouse<T>(
  destination: DestinationConfig,
  dataDir: string,
  use: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const warehouse = await connectWarehouse(destination, dataDir);
  try {
    return await use((sql) => warehouse.query(sql));
  } finally {
    await warehouse.close();
  }
}
