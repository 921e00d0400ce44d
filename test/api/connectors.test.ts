/**
 * The connector configuration endpoints over HTTP, against the real store and Temporal server.
 * /healthz and what clients see when a dependency is down are in health.test.ts; the OpenAPI
 * document in openapi-document.test.ts.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { z } from 'zod';
import { scheduleId, scheduledCycleWorkflowId, searchAttributes } from '../../domain/constants';
import { INGESTION_CYCLE_WORKFLOW } from '../../domain/messages';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, SECRETS, connectorBody, createConnector, useApiHarness } from './harness';

const api = useApiHarness();

const describeSchedule = (connectorId: string) => api.client.schedule.getHandle(scheduleId(connectorId)).describe();
const minutes = (n: number): number => n * 60_000;
const expectNoSecrets = (value: unknown): void => {
  const text = JSON.stringify(value);
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
};

const issuesSchema = z.object({
  error: z.literal('validation_failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })),
});

describe('POST /api/v1/data-warehouse-connector', () => {
  test("creates the config and its Temporal Schedule: the source's default (Salesforce: every 15 minutes), skipping overlaps", async () => {
    const userId = uniqueName('user');
    const created = await api.call('POST', CONNECTORS, { json: connectorBody(userId) });

    expect(created.status).toBe(201);
    const { id } = z.object({ id: z.uuid() }).parse(created.body);
    expect(created.headers.get('location')).toBe(`${CONNECTORS}/${id}`);
    // No interval given: the config says so, and the schedule takes the source's default.
    expect(created.body).toMatchObject({ userId, status: 'active', configuration: { schedule: {} } });
    expectNoSecrets(created.body);

    const schedule = await describeSchedule(id);
    expect(schedule.spec.intervals?.map((interval) => interval.every)).toEqual([minutes(15)]);
    expect(schedule.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: minutes(1) });
    expect(schedule.state.paused).toBe(false);
    expect(schedule.action).toMatchObject({
      workflowType: INGESTION_CYCLE_WORKFLOW,
      taskQueue: api.taskQueue,
      workflowId: scheduledCycleWorkflowId(id),
      args: [{ connectorId: id, trigger: 'schedule' }],
    });
    const startedWith = schedule.action.typedSearchAttributes;
    const pairs = startedWith instanceof TypedSearchAttributes ? startedWith.getAll() : (startedWith ?? []);
    expect(pairs).toEqual(
      expect.arrayContaining([
        { key: searchAttributes.connectorId, value: id },
        { key: searchAttributes.source, value: 'salesforce' },
        { key: searchAttributes.destination, value: 'duckdb' },
      ]),
    );
    expect(schedule.typedSearchAttributes.get(searchAttributes.connectorId)).toBe(id);

    const audit = await api.store.audit.list(id);
    expect(audit.map((entry) => entry.activityType)).toContain('connector.created');
    expectNoSecrets(audit);
  });

  test('a connector created paused gets a paused schedule at its own interval', async () => {
    const body = connectorBody(uniqueName('user'), { status: 'paused' });
    const id = await createConnector(api, {
      ...body,
      configuration: { ...z.object({}).loose().parse(body.configuration), schedule: { every: '2h' } },
    });

    const schedule = await describeSchedule(id);
    expect(schedule.state.paused).toBe(true);
    expect(schedule.spec.intervals?.map((interval) => interval.every)).toEqual([minutes(120)]);
  });

  test.each([
    {
      problem: 'a missing userId and an empty name',
      body: { ...connectorBody('x'), userId: undefined, name: '' },
      expected: [
        { path: 'userId', rule: 'invalid_type' },
        { path: 'name', rule: 'too_small' },
      ],
    },
    {
      problem: 'a login URL that is not http(s) and an unreadable interval',
      body: connectorBody('x', {
        configuration: {
          source: { kind: 'salesforce', loginUrl: 'ftp://example.com', auth: { type: 'access-token', accessToken: 't' } },
          schedule: { every: 'every 15 minutes' },
        },
      }),
      expected: [
        { path: 'configuration.source.loginUrl', rule: 'invalid_format', message: 'must be an http(s) URL' },
        { path: 'configuration.schedule.every', rule: 'invalid_format', message: expect.stringContaining('e.g. 15m') },
      ],
    },
    {
      problem: 'an unknown source kind',
      body: connectorBody('x', { configuration: { source: { kind: 'hubspot' } } }),
      expected: [{ path: 'configuration.source.kind', rule: 'invalid_union', message: expect.stringContaining('salesforce') }],
    },
    {
      problem: 'OAuth credentials without a password, and a quota share above 1',
      body: connectorBody('x', {
        configuration: {
          source: {
            kind: 'salesforce',
            loginUrl: 'https://login.salesforce.com',
            auth: { type: 'oauth-password', clientId: 'c', clientSecret: 's', username: 'u' },
            apiQuotaShare: 1.5,
          },
        },
      }),
      expected: [
        { path: 'configuration.source.auth.password', rule: 'invalid_type' },
        { path: 'configuration.source.apiQuotaShare', rule: 'too_big' },
      ],
    },
  ])('rejects $problem with 400 naming each field and rule, storing nothing', async ({ body, expected }) => {
    const userId = uniqueName('user');
    const response = await api.call('POST', CONNECTORS, { json: { ...body, ...(body.userId === undefined ? {} : { userId }) } });

    expect(response.status).toBe(400);
    const { issues } = issuesSchema.parse(response.body);
    expect(issues).toHaveLength(expected.length);
    expect(issues).toEqual(expect.arrayContaining(expected.map((issue) => expect.objectContaining(issue))));
    expect(await api.store.connectors.listByUser(userId)).toEqual([]);
  });

  test('malformed JSON and a missing body are 400s, not 500s', async () => {
    const malformed = await api.call('POST', CONNECTORS, { rawBody: `{"userId": "u", "password": "${SECRETS.password}"` });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: 'invalid_json' });
    expectNoSecrets(malformed.body);

    const missing = await api.call('POST', CONNECTORS);
    expect(missing.status).toBe(400);
    expect(issuesSchema.parse(missing.body).issues).toEqual([expect.objectContaining({ path: '(body)', rule: 'invalid_type' })]);
  });
});

describe('GET /api/v1/data-warehouse-connector', () => {
  test('/:id returns the config with its credentials redacted', async () => {
    const userId = uniqueName('user');
    const id = await createConnector(api, connectorBody(userId));

    const found = await api.call('GET', `${CONNECTORS}/${id}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      id,
      userId,
      configuration: { source: { auth: { clientId: 'client-id', clientSecret: '[redacted]', password: '[redacted]' } } },
    });
    expectNoSecrets(found.body);
  });

  test("/user/:userId lists exactly that user's connectors, redacted", async () => {
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    const alices = [await createConnector(api, connectorBody(alice)), await createConnector(api, connectorBody(alice))];
    await createConnector(api, connectorBody(bob));

    const listed = await api.call('GET', `${CONNECTORS}/user/${alice}`);
    expect(listed.status).toBe(200);
    const { connectors } = z.object({ connectors: z.array(z.object({ id: z.string(), userId: z.string() })) }).parse(listed.body);
    expect(connectors.map((c) => c.id).sort()).toEqual([...alices].sort());
    expect(connectors.every((c) => c.userId === alice)).toBe(true);
    expectNoSecrets(listed.body);

    const nobody = await api.call('GET', `${CONNECTORS}/user/${uniqueName('nobody')}`);
    expect(nobody).toMatchObject({ status: 200, body: { connectors: [] } });
  });

  test('an unknown id is a 404 naming it; a malformed id a 400 naming the parameter; an unknown route a 404', async () => {
    const unknownId = crypto.randomUUID();
    const unknown = await api.call('GET', `${CONNECTORS}/${unknownId}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'not_found', message: expect.stringContaining(unknownId) });

    const malformed = await api.call('GET', `${CONNECTORS}/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expect(issuesSchema.parse(malformed.body).issues).toEqual([{ path: 'id', rule: 'invalid_format', message: 'must be a UUID' }]);

    for (const method of ['GET', 'PUT', 'DELETE']) {
      expect(await api.call(method, `${CONNECTORS}/${unknownId}`, method === 'PUT' ? { json: {} } : undefined)).toMatchObject({
        status: 404,
      });
    }
    expect(await api.call('GET', '/api/v1/no-such-thing')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});

describe('PUT /api/v1/data-warehouse-connector/:id', () => {
  test('changes the config and the schedule: interval, then pause, then resume', async () => {
    const body = connectorBody(uniqueName('user'));
    const id = await createConnector(api, body);
    const configuration = { ...z.object({}).loose().parse(body.configuration), schedule: { every: '30m' } };

    const paused = await api.call('PUT', `${CONNECTORS}/${id}`, { json: { configuration, status: 'paused', name: 'renamed' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id, name: 'renamed', status: 'paused', configuration: { schedule: { every: '30m' } } });
    expectNoSecrets(paused.body);
    const pausedSchedule = await describeSchedule(id);
    expect(pausedSchedule.spec.intervals?.map((interval) => interval.every)).toEqual([minutes(30)]);
    expect(pausedSchedule.state.paused).toBe(true);
    expect(pausedSchedule.policies.overlap).toBe('SKIP');

    const resumed = await api.call('PUT', `${CONNECTORS}/${id}`, { json: { status: 'active' } });
    expect(resumed.body).toMatchObject({ status: 'active', name: 'renamed' });
    expect((await describeSchedule(id)).state.paused).toBe(false);

    expect(await api.call('GET', `${CONNECTORS}/${id}`)).toMatchObject({ body: { name: 'renamed', status: 'active' } });
    const audit = await api.store.audit.list(id);
    expect(audit.filter((entry) => entry.activityType === 'connector.updated')).toHaveLength(2);
    expectNoSecrets(audit);
  });

  test('an invalid change is a 400 naming the field, and changes nothing', async () => {
    const id = await createConnector(api, connectorBody(uniqueName('user')));

    const rejected = await api.call('PUT', `${CONNECTORS}/${id}`, { json: { status: 'sleeping', name: '' } });
    expect(rejected.status).toBe(400);
    expect(
      issuesSchema
        .parse(rejected.body)
        .issues.map((issue) => issue.path)
        .sort(),
    ).toEqual(['name', 'status']);
    expect(await api.call('GET', `${CONNECTORS}/${id}`)).toMatchObject({ body: { status: 'active' } });
  });

  test("puts back a schedule that went missing behind the API's back", async () => {
    const id = await createConnector(api, connectorBody(uniqueName('user')));
    await api.client.schedule.getHandle(scheduleId(id)).delete();

    expect(await api.call('PUT', `${CONNECTORS}/${id}`, { json: { status: 'paused' } })).toMatchObject({ status: 200 });
    expect((await describeSchedule(id)).state.paused).toBe(true);
  });
});

describe('DELETE /api/v1/data-warehouse-connector/:id', () => {
  test('removes the schedule and the config, keeping the audit trail', async () => {
    const id = await createConnector(api, connectorBody(uniqueName('user')));

    const deleted = await api.call('DELETE', `${CONNECTORS}/${id}`);
    expect(deleted).toMatchObject({ status: 204, body: null });
    await expect(describeSchedule(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await api.call('GET', `${CONNECTORS}/${id}`)).toMatchObject({ status: 404 });
    expect(await api.call('DELETE', `${CONNECTORS}/${id}`)).toMatchObject({ status: 404 });
    expect((await api.store.audit.list(id)).map((entry) => entry.activityType)).toContain('connector.deleted');
  });
});
