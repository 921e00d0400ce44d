/**
 * The Brandwatch simulator on its wire, over plain HTTP: the token grant in both documented shapes,
 * mentions with cursor paging, its real rate limit and the flaws it plants.
 */
import { z } from 'zod';
import { MENTION_FLAWS } from '../../simulators/brandwatch/mentions';
import { startBrandwatchSimulator, type BrandwatchSimulator, type BrandwatchSimulatorOptions } from '../../simulators/brandwatch/server';
import { useSimulators } from '../support/fixture';

const simulator = useSimulators((options: BrandwatchSimulatorOptions = {}) => startBrandwatchSimulator(options));

const tokenBody = z.object({ access_token: z.string(), token_type: z.literal('bearer'), expires_in: z.number() });
const pageBody = z.object({
  results: z.array(z.looseObject({ resourceId: z.string().optional(), added: z.string() })),
  nextCursor: z.string().optional(),
  resultsTotal: z.number(),
});

function tokenUrl(sim: BrandwatchSimulator, username = sim.credentials.username): string {
  return `${sim.url}/oauth/token?${new URLSearchParams({ username, grant_type: 'api-password', client_id: 'brandwatch-api-client' })}`;
}

async function login(sim: BrandwatchSimulator): Promise<string> {
  const response = await fetch(tokenUrl(sim), { method: 'POST', body: new URLSearchParams({ password: sim.credentials.password }) });
  return tokenBody.parse(await response.json()).access_token;
}

function mentions(sim: BrandwatchSimulator, token: string, params: Record<string, string>): Promise<Response> {
  const search = new URLSearchParams({
    startDate: '2000-01-01T00:00:00.000+0000',
    endDate: new Date(Date.now() + 60_000).toISOString().replace('Z', '+0000'),
    ...params,
  });
  for (const id of sim.queryIds) search.append('queryId', String(id));
  return fetch(`${sim.url}/projects/${sim.projectId}/data/mentions?${search}`, { headers: { Authorization: `bearer ${token}` } });
}

describe('token grant', () => {
  it('issues a bearer token for the password as a form body or a JSON body, and refuses a wrong one', async () => {
    const sim = await simulator({ mentions: 0 });
    expect(await login(sim)).toMatch(/^[0-9a-f]{36}$/);
    const json = await fetch(tokenUrl(sim), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: sim.credentials.password }),
    });
    expect(tokenBody.safeParse(await json.json()).success).toBe(true);
    const wrong = await fetch(tokenUrl(sim), { method: 'POST', body: new URLSearchParams({ password: 'guess' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'unauthorized', error_description: 'Invalid authentication credentials found on request' });
  });
});

describe('mentions', () => {
  it('pages every mention once by cursor, in added order, and stops giving a cursor at the end', async () => {
    const sim = await simulator({ mentions: 23 });
    const token = await login(sim);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = pageBody.parse(
        await (
          await mentions(sim, token, { pageSize: '10', orderBy: 'added', orderDirection: 'asc', ...(cursor ? { cursor } : {}) })
        ).json(),
      );
      seen.push(...page.results.map((m) => m.added));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(sim.mentions().map((m) => m.added));
  });

  it('answers 400 naming a missing parameter, and 401 to a request without a token', async () => {
    const sim = await simulator({ mentions: 1 });
    const token = await login(sim);
    const missing = await fetch(`${sim.url}/projects/${sim.projectId}/data/mentions?queryId=${sim.queryIds[0] ?? 0}&endDate=2030-01-01`, {
      headers: { Authorization: `bearer ${token}` },
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toMatch(/startDate is required/);
    expect((await mentions(sim, 'no-such-token', {})).status).toBe(401);
  });

  it('plants each flaw it is asked for', async () => {
    const sim = await simulator({ mentions: 400, flawRates: Object.fromEntries(MENTION_FLAWS.map((flaw) => [flaw, 0.05])) });
    const all = sim.mentions();
    const ids = all.map((m) => m.resourceId);
    expect(all.some((m) => typeof m.sentiment === 'number' && Math.abs(m.sentiment) > 1)).toBe(true);
    expect(all.some((m) => m.sentiment === null)).toBe(true);
    expect(all.some((m) => typeof m.sentiment === 'string' && !['positive', 'neutral', 'negative'].includes(m.sentiment))).toBe(true);
    expect(all.some((m) => m.resourceId === undefined)).toBe(true);
    expect(new Set(ids).size).toBeLessThan(ids.length - ids.filter((id) => id === undefined).length + 1);
    expect(all.some((m) => m.updated === '1970-01-01T00:00:00.000+0000')).toBe(true);
  });
});

describe('rate limit', () => {
  it('admits 30 requests per rolling 10 minutes, then answers 429 without Retry-After', async () => {
    const sim = await simulator({ mentions: 1 });
    const token = await login(sim);
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 30; i += 1) {
      last = await mentions(sim, token, {});
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(29);
    expect(statuses.at(-1)).toBe(429);
    expect(last?.headers.get('retry-after')).toBeNull();
    expect(last?.headers.get('x-rate-limit')).toBe('30/10m');
    expect(last?.headers.get('x-rate-limit-used')).toBe('30');
  });
});
