/**
 * Rotating a Zendesk connector's API token through the API: a token Zendesk accepts is swapped in
 * (sealed, redacted, audited without its text, the rotation clock restarted) and reads go on with it
 * once the old one is deleted in Zendesk; a token Zendesk refuses, a connector of another source or
 * a Zendesk that cannot be asked change nothing.
 */
import { createConnectorSchema } from '../../domain/connector';
import { zendeskExportSource } from '../../activities/sources/zendesk';
import { tokenRotationStatus } from '../../activities/sources/zendesk/token-rotation';
import { startZendeskSimulator, type ZendeskSimulator } from '../../simulators/zendesk/server';
import { zendeskConfigFor } from '../sources/cases/zendesk';
import { CONNECTORS, connectorBody, createConnector, useApiHarness } from './harness';

const api = useApiHarness();
let sim: ZendeskSimulator;

beforeAll(async () => {
  sim = await startZendeskSimulator({ tickets: 5 });
});
afterAll(async () => {
  await sim?.stop();
});

async function zendeskConnector(source: Record<string, unknown> = {}): Promise<string> {
  const created = await api.store.connectors.create(
    createConnectorSchema.parse({
      userId: 'support-ops',
      name: 'Zendesk token rotation',
      configuration: { source: { ...zendeskConfigFor(sim, { apiTokenIssuedAt: '2026-01-01' }), ...source } },
    }),
  );
  return created.id;
}

const rotate = (id: string, json: unknown) => api.call('POST', `${CONNECTORS}/${id}/zendesk-token`, { json });
const storedSource = async (id: string) => (await api.store.connectors.get(id))?.configuration.source;

it('swaps in a token Zendesk accepts; reads go on with it after the old one is deleted', async () => {
  const id = await zendeskConnector();
  const newToken = 'zd-rotated-token-5b1e9c';
  sim.issueToken(newToken);
  const answer = await rotate(id, { apiToken: newToken });
  expect(answer).toMatchObject({ status: 200, body: { configuration: { source: { apiToken: '[redacted]' } } } });
  expect(JSON.stringify(answer.body)).not.toContain(newToken);

  const source = await storedSource(id);
  if (source?.kind !== 'zendesk') throw new Error('not a Zendesk connector');
  expect(source.apiToken).toBe(newToken);
  expect(tokenRotationStatus(source.apiTokenIssuedAt, new Date())).toMatchObject({ ageDays: 0, warn: false, due: false });
  const [audited] = await api.store.audit.list(id, 10);
  expect(audited).toMatchObject({ activityType: 'connector.token-rotated' });
  expect(JSON.stringify(audited)).not.toContain(newToken);

  sim.revokeToken(sim.credentials.apiToken);
  const page = await zendeskExportSource.readPage(
    source,
    'tickets',
    { connectorId: id, cursor: null, pageToken: null, partition: null },
    new AbortController().signal,
  );
  expect(page.rows.length).toBeGreaterThan(0);
  sim.issueToken(sim.credentials.apiToken);
});

it('keeps the stored token when Zendesk refuses the new one, naming apiToken', async () => {
  const id = await zendeskConnector();
  const before = await storedSource(id);
  const answer = await rotate(id, { apiToken: 'a-token-zendesk-never-issued' });
  expect(answer).toMatchObject({ status: 400, body: { issues: [{ path: 'apiToken', rule: 'refused_by_zendesk' }] } });
  expect(await storedSource(id)).toEqual(before);
});

it('keeps the stored token when Zendesk cannot be asked (503)', async () => {
  const id = await zendeskConnector({ baseUrl: 'http://127.0.0.1:1' });
  const before = await storedSource(id);
  expect((await rotate(id, { apiToken: 'zd-any-token' })).status).toBe(503);
  expect(await storedSource(id)).toEqual(before);
});

it('refuses a connector of another source and a bad body with a 400 naming the field', async () => {
  const other = await createConnector(api, connectorBody('test-admin'));
  expect(await rotate(other, { apiToken: 'zd-any-token' })).toMatchObject({
    status: 400,
    body: { issues: [{ path: 'configuration.source.kind' }] },
  });
  const id = await zendeskConnector();
  expect(await rotate(id, { apiToken: '' })).toMatchObject({ status: 400, body: { issues: [{ path: 'apiToken' }] } });
  expect(await rotate(id, { apiToken: 'x', issuedAt: 'last week' })).toMatchObject({
    status: 400,
    body: { issues: [{ path: 'issuedAt' }] },
  });
});
