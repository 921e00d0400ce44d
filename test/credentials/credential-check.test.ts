/**
 * The daily credential check on the real server, with the real worker composition and the embedded
 * store: Zendesk tokens from day 25 raise a due-soon alert, past day 30 an overdue one; the token
 * itself appears nowhere. Its schedule is created once and kept up to date.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { openStore } from '../../activities/store';
import type { ControlPlaneStore } from '../../activities/store/types';
import { ensureCredentialCheckSchedule } from '../../api/schedules';
import { createConnectorSchema } from '../../domain/connector';
import { CREDENTIAL_CHECK_SCHEDULE_ID } from '../../domain/constants';
import { credentialCheck } from '../../workflows';
import { createWorkers, runWorkers } from '../../worker/workers';
import { testEnv, uniqueName, workflowBundle } from '../support/temporal';

const DAY_MS = 86_400_000;
let env: TestWorkflowEnvironment;
let store: ControlPlaneStore;
let dataDir: string;
let workers: Worker[];
let running: Promise<void>;
let taskQueue: string;

beforeAll(async () => {
  env = await testEnv();
  store = await openStore({});
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ih-credentials-'));
  taskQueue = uniqueName('credentials');
  workers = await createWorkers({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', store, dataDir, taskQueue, workflowBundle: await workflowBundle() });
  running = runWorkers(workers);
});
afterAll(async () => {
  workers?.forEach((worker) => worker.shutdown());
  await running;
  await Promise.all([store?.close(), env?.teardown()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function zendeskConnector(tokenAgeDays: number): Promise<string> {
  const issuedAt = new Date(Date.now() - tokenAgeDays * DAY_MS).toISOString().slice(0, 10);
  const connector = await store.createConnector(
    createConnectorSchema.parse({
      userId: 'support-ops',
      name: `Zendesk, token ${tokenAgeDays} days old`,
      configuration: {
        source: { kind: 'zendesk', subdomain: 'acme', email: 'agent@example.com', apiToken: 'zendesk-token-secret-value', apiTokenIssuedAt: issuedAt },
      },
    }),
  );
  return connector.id;
}

it('alerts from day 25 and says what to do past day 30, without the token', async () => {
  const [fresh, dueSoon, overdue] = [await zendeskConnector(3), await zendeskConnector(26), await zendeskConnector(31)];
  const result = await env.client.workflow.execute(credentialCheck, { taskQueue, workflowId: uniqueName('credential-check') });
  expect(result.dueSoon).toContain(dueSoon);
  expect(result.overdue).toContain(overdue);
  expect([...result.dueSoon, ...result.overdue]).not.toContain(fresh);

  const [soonLog, overdueLog, freshLog] = await Promise.all([dueSoon, overdue, fresh].map((id) => store.listActivity(id)));
  expect(soonLog?.map((entry) => entry.activityType)).toContain('credential.rotation-due-soon');
  const overdueAlert = overdueLog?.find((entry) => entry.activityType === 'credential.rotation-overdue');
  expect(overdueAlert?.details).toMatchObject({ ageDays: 31, action: expect.stringContaining('apiTokenIssuedAt') });
  expect(freshLog?.some((entry) => entry.activityType.startsWith('credential.'))).toBe(false);
  expect(JSON.stringify([soonLog, overdueLog])).not.toContain('zendesk-token-secret-value');
});

it('keeps one daily schedule for the check', async () => {
  await ensureCredentialCheckSchedule(env.client, taskQueue);
  await ensureCredentialCheckSchedule(env.client, taskQueue);
  const schedule = await env.client.schedule.getHandle(CREDENTIAL_CHECK_SCHEDULE_ID).describe();
  expect(schedule.spec.intervals?.map((interval) => interval.every)).toEqual([DAY_MS]);
  expect(schedule.action).toMatchObject({ workflowType: 'credentialCheck', taskQueue });
  await env.client.schedule.getHandle(CREDENTIAL_CHECK_SCHEDULE_ID).delete();
});
