/**
 * The Salesforce source plug-in against the local simulator, at its limits: partitions by
 * customer-ID range, throttling and the daily quota, and failing fast on what retrying cannot fix.
 */
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { salesforceSource } from '../../activities/sources/salesforce';
import type { SourcePage } from '../../activities/sources/types';
import { startSalesforceSimulator, type SalesforceSimulatorOptions } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { inCursorOrder, passwordConfig, readAll, rowsOf } from './salesforce-reading';

const simulator = useSimulators((options: SalesforceSimulatorOptions = {}) => startSalesforceSimulator({ contacts: 60, ...options }));

describe('partitions by customer-ID range', () => {
  it('reads every contact exactly once across the ranges, the ones without a customer ID in the first', async () => {
    const sim = await simulator({ contacts: 300, pageSize: 40 });
    const config = salesforceSourceSchema.parse({ ...passwordConfig(sim), customerIdBoundaries: ['CUST-100100', 'CUST-100200'] });
    const partitions = salesforceSource.partitions?.(config, 'contact') ?? [];
    expect(partitions).toEqual(['..CUST-100100', 'CUST-100100..CUST-100200', 'CUST-100200..']);
    expect(salesforceSource.partitions?.(config, 'opportunity')).toEqual([]);
    const perRange = await Promise.all(partitions.map(async (partition) => rowsOf(await readAll(config, 'contact', null, { partition }))));
    const ids = perRange.flat().map((row) => row.id);
    expect(ids.sort()).toEqual(
      sim
        .records('Contact')
        .map((r) => r.Id)
        .sort(),
    );
    expect(perRange[0]?.some((row) => row.customer_id === null)).toBe(true);
    perRange.forEach((rows) => expect(inCursorOrder(rows)).toBe(true));
    expect(perRange[1]?.every((row) => String(row.customer_id) >= 'CUST-100100' && String(row.customer_id) < 'CUST-100200')).toBe(true);
  });

  it('refuses boundaries out of order, naming the field', () => {
    const parsed = salesforceSourceSchema.safeParse({
      kind: 'salesforce',
      loginUrl: 'https://login.salesforce.com',
      auth: { type: 'access-token', accessToken: 't' },
      customerIdBoundaries: ['B', 'A'],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['customerIdBoundaries'], message: expect.stringContaining('ascending') });
  });
});

describe('throttling and the daily quota', () => {
  it('turns a 429 into a RateLimitedError carrying Retry-After, without jsforce retrying', async () => {
    const sim = await simulator();
    sim.throttle({ status: 429, times: 1, retryAfterSeconds: 7 });
    const error: unknown = await readAll(passwordConfig(sim), 'contact', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ category: 'rate-limited', retryAfterMs: 7000 });
    expect(sim.requests('queryAll').map((r) => r.status)).toEqual([429]);
  });

  it('treats 503 and the concurrent-request limit as throttles, a missing Retry-After as no hint', async () => {
    const sim = await simulator({ pageSize: 20 });
    sim.throttle({ status: 503, times: 1, after: 1 });
    const pages: SourcePage[] = [];
    await expect(readAll(passwordConfig(sim), 'contact', null, { onPage: (page) => pages.push(page) })).rejects.toMatchObject({
      category: 'rate-limited',
      retryAfterMs: null,
    });
    expect(pages.map((p) => p.rows.length)).toEqual([20]);
    sim.throttle({ status: 403, times: 1, retryAfterSeconds: 2 });
    await expect(readAll(passwordConfig(sim), 'contact', null)).rejects.toMatchObject({ category: 'rate-limited', retryAfterMs: 2000 });
  });

  it("stops with a marker once the connector's share of the daily quota is used", async () => {
    const sim = await simulator({ pageSize: 20, quota: { used: 88, max: 100 } });
    const pages = await readAll(passwordConfig(sim, { apiQuotaShare: 0.9 }), 'contact', null);
    expect(pages.map((p) => [p.rows.length, p.stop?.reason])).toEqual([
      [20, undefined],
      [20, 'daily-api-quota'],
    ]);
    expect(pages[1]?.stop?.detail).toContain('90/100');
    expect(sim.quota().used).toBe(90);
  });

  it('ends with an empty stop page when Salesforce answers 403 REQUEST_LIMIT_EXCEEDED', async () => {
    const sim = await simulator({ quota: { used: 500, max: 500 } });
    const pages = await readAll(passwordConfig(sim, { apiQuotaShare: 1 }), 'contact', null);
    expect(pages).toEqual([
      {
        rows: [],
        apiCalls: 2,
        nextPageToken: null,
        stop: { reason: 'daily-api-quota', detail: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') },
      },
    ]);
  });
});

describe('failing fast', () => {
  it('refuses bad credentials at once as an auth error with a hint', async () => {
    const sim = await simulator();
    const started = Date.now();
    const error: unknown = await readAll(passwordConfig(sim, { password: 'wrong' }), 'contact', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'auth', message: expect.stringMatching(/invalid_grant.*check the username/) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sim.requests('token')).toHaveLength(1);
    expect(sim.requests('queryAll')).toHaveLength(0);
  });

  it('refuses a revoked access token as an auth error', async () => {
    const sim = await simulator();
    const config = salesforceSourceSchema.parse({
      kind: 'salesforce',
      loginUrl: sim.url,
      auth: { type: 'access-token', accessToken: 'revoked' },
    });
    await expect(readAll(config, 'contact', null)).rejects.toMatchObject({
      category: 'auth',
      message: expect.stringContaining('INVALID_SESSION_ID'),
    });
  });

  it('refuses an unknown stream as a config error', async () => {
    const sim = await simulator();
    await expect(readAll(passwordConfig(sim), 'asset', null)).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('unknown Salesforce stream "asset"'),
    });
    expect(sim.requests()).toHaveLength(0);
  });

  it('stops when its signal aborts, between pages', async () => {
    const sim = await simulator({ pageSize: 10 });
    const controller = new AbortController();
    const pages: SourcePage[] = [];
    const reading = readAll(passwordConfig(sim), 'contact', null, {
      signal: controller.signal,
      onPage: (page) => {
        pages.push(page);
        controller.abort(new Error('activity cancelled'));
      },
    });
    await expect(reading).rejects.toThrow('activity cancelled');
    expect(pages).toHaveLength(1);
    expect(sim.requests('queryMore')).toHaveLength(0);
  });
});
