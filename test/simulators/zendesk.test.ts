/**
 * The Zendesk simulator speaks the incremental export's wire protocol: Basic API-token auth, the
 * start_time and cursor rules, per_page, users sideloaded, the last minute left out, 429 with a
 * text/plain body and Retry-After, and the account's per-second limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { startZendeskSimulator, type ZendeskSimulator, type ZendeskSimulatorOptions } from '../../simulators/zendesk/server';
import { useSimulators } from '../support/fixture';

const simulator = useSimulators((options: ZendeskSimulatorOptions = {}) =>
  startZendeskSimulator({ tickets: 30, flawRates: { updateDuringExport: 0 }, ...options }),
);

const auth = (sim: ZendeskSimulator, token = sim.credentials.apiToken): string =>
  `Basic ${Buffer.from(`${sim.credentials.email}/token:${token}`).toString('base64')}`;

function exportRequest(sim: ZendeskSimulator, query: string, token?: string): Promise<Response> {
  return fetch(`${sim.url}/api/v2/incremental/tickets/cursor.json?${query}`, { headers: { Authorization: auth(sim, token) } });
}

const exportBodySchema = z.object({
  tickets: z.array(z.looseObject({ id: z.number(), updated_at: z.string(), requester_id: z.number() })),
  users: z.array(z.looseObject({ id: z.number(), email: z.string().nullable() })).optional(),
  after_cursor: z.string(),
  after_url: z.string(),
  end_of_stream: z.boolean(),
});
const json = async (response: Response): Promise<z.infer<typeof exportBodySchema>> => exportBodySchema.parse(await response.json());

it("refuses a wrong API token with 401 and Zendesk's JSON error", async () => {
  const sim = await simulator();
  const response = await exportRequest(sim, 'start_time=0', 'wrong');
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: "Couldn't authenticate you" });
});

it('pages the export with per_page and after_cursor until end_of_stream, each ticket once, in update order', async () => {
  const sim = await simulator();
  const seen: number[] = [];
  let body = await json(await exportRequest(sim, 'start_time=0&per_page=7&include=users'));
  expect(body.users?.map((user) => user.id).sort()).toEqual([...new Set(body.tickets.map((t) => t.requester_id))].sort());
  for (;;) {
    seen.push(...body.tickets.map((ticket) => ticket.id));
    expect(body.tickets.length).toBeLessThanOrEqual(7);
    if (body.end_of_stream) break;
    body = await json(await fetch(body.after_url, { headers: { Authorization: auth(sim) } }));
  }
  const truth = sim.tickets().sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id);
  expect(seen).toEqual(truth.map((ticket) => ticket.id));
  expect(body.after_cursor).toEqual(expect.any(String));
});

it('applies the start_time rules: required, and at least a minute in the past', async () => {
  const sim = await simulator();
  expect((await exportRequest(sim, 'per_page=5')).status).toBe(400);
  const recent = Math.floor(Date.now() / 1000) - 10;
  const tooRecent = await exportRequest(sim, `start_time=${recent}`);
  expect(tooRecent.status).toBe(400);
  expect(await tooRecent.json()).toMatchObject({ error: 'InvalidValue' });
  expect((await exportRequest(sim, 'cursor=bm9wZQ==')).status).toBe(400);
});

it('leaves out tickets changed within the exclusion window, and serves them once it has passed', async () => {
  const sim = await simulator({ tickets: 3, recentExclusionMs: 1_500 });
  const end = await json(await exportRequest(sim, 'start_time=0'));
  const [ticket] = sim.tickets();
  sim.updateTicket(ticket?.id ?? 0, { status: 'solved' });
  const soon = await json(await exportRequest(sim, `cursor=${encodeURIComponent(end.after_cursor)}`));
  expect(soon.tickets).toEqual([]);
  await sleep(2_600);
  const later = await json(await exportRequest(sim, `cursor=${encodeURIComponent(end.after_cursor)}`));
  expect(later.tickets.map((t) => t.id)).toEqual([ticket?.id]);
});

it('throttles on demand with 429, a text/plain body and Retry-After (none when asked for none)', async () => {
  const sim = await simulator();
  sim.throttleNext(1, 7, 1);
  expect((await exportRequest(sim, 'start_time=0')).status).toBe(200);
  const throttled = await exportRequest(sim, 'start_time=0');
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(throttled.headers.get('retry-after')).toBe('7');
  expect(await throttled.text()).toMatch(/allowed API requests/);
  sim.throttleNext(1, null);
  const bare = await exportRequest(sim, 'start_time=0');
  expect(bare.status).toBe(429);
  expect(bare.headers.get('retry-after')).toBeNull();
  expect(sim.requests().map((request) => request.status)).toEqual([200, 429, 429]);
});

it('answers 429 with Retry-After: 1 past its per-second limit', async () => {
  const sim = await simulator({ requestsPerSecond: 4 });
  const responses = await Promise.all(Array.from({ length: 10 }, () => exportRequest(sim, 'start_time=0&per_page=1')));
  const statuses = responses.map((response) => response.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(4);
  expect(responses.filter((response) => response.status === 429).every((response) => response.headers.get('retry-after') === '1')).toBe(
    true,
  );
});

it('generates realistic flaws: missing fields, requesters without email, odd and deleted statuses', async () => {
  const sim = await simulator({
    tickets: 400,
    flawRates: { missingFields: 0.2, noEmail: 0.2, oddStatus: 0.05, deleted: 0.05, updateDuringExport: 0 },
  });
  const tickets = sim.tickets();
  expect(tickets.some((ticket) => ticket.priority === null)).toBe(true);
  expect(tickets.some((ticket) => ticket.status === 'deleted')).toBe(true);
  expect(tickets.some((ticket) => !['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted'].includes(ticket.status))).toBe(true);
  const body = await json(await exportRequest(sim, 'start_time=0&include=users'));
  expect(body.tickets).toHaveLength(400);
  expect(body.users?.some((user) => user.email === null)).toBe(true);
});
