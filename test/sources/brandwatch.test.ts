/**
 * The Brandwatch source plug-in over real HTTP against the local Brandwatch simulator: the shared
 * conformance checklist on mentions, then what is Brandwatch's own — its token, its 429 without
 * Retry-After, its rate-limit headers, the late-arrival window, and sentiment through the quality gate.
 */
import { z } from 'zod';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { validateBatch } from '../../activities/quality/validate';
import { brandwatchSource } from '../../activities/sources/brandwatch';
import { sentimentOf } from '../../activities/sources/brandwatch/rows';
import type { PageRequest, Row, SourcePage } from '../../activities/sources/types';
import { Staging } from '../../activities/staging/staging';
import { brandwatchSourceSchema, brandwatchStreams, type BrandwatchSourceConfig } from '../../activities/sources/brandwatch/definition';
import { startBrandwatchSimulator, type BrandwatchSimulatorOptions } from '../../simulators/brandwatch/server';
import { brandwatchCase, brandwatchConfigFor, ROOMY_LIMIT } from './cases/brandwatch';
import { describeSourceConformance, readToEnd } from './conformance';
import { useSimulators } from '../support/fixture';
import { useTempDir } from '../support/temp-dir';

describeSourceConformance(brandwatchCase);

const simulator = useSimulators((options: BrandwatchSimulatorOptions = {}) =>
  startBrandwatchSimulator({ rateLimit: ROOMY_LIMIT, ...options }),
);

const firstPage: PageRequest = { connectorId: 'c1', cursor: null, pageToken: null, partition: null };
const readPage = (config: BrandwatchSourceConfig, request: PageRequest = firstPage): Promise<SourcePage> =>
  brandwatchSource.readPage(config, 'mentions', request, new AbortController().signal);

describe('reading mentions', () => {
  it('maps every mention, with its sentiment label and score, in (added, id) order', async () => {
    const sim = await simulator({ mentions: 30 });
    const { rows } = await readToEnd(brandwatchSource, brandwatchConfigFor(sim, { pageSize: 7 }), 'mentions', null);
    const byId = new Map(sim.mentions().map((m) => [m.resourceId, m]));
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      const mention = byId.get(String(row.resource_id));
      expect(row).toMatchObject({
        added: new Date(String(mention?.added)).toISOString(),
        sentiment: mention?.sentiment,
        query_id: mention?.queryId,
        fullname: mention?.fullname,
      });
      expect(row.sentiment_score).toBe({ positive: 1, neutral: 0, negative: -1 }[String(row.sentiment)]);
    }
    const order = rows.map((r) => `${String(r.added)}|${String(r.resource_id)}`);
    expect(order).toEqual([...order].sort());
  });

  it("scores labels by the connector's table, and keeps what it cannot score for the gate to judge", () => {
    const scores = { positive: 0.8, neutral: 0, negative: -0.6 };
    expect(sentimentOf('negative', scores)).toEqual({ sentiment: 'negative', sentiment_score: -0.6 });
    expect(sentimentOf('mixed', scores)).toEqual({ sentiment: 'mixed', sentiment_score: null });
    expect(sentimentOf(1.7, scores)).toEqual({ sentiment: 'positive', sentiment_score: 1.7 });
    expect(sentimentOf(null, scores)).toEqual({ sentiment: null, sentiment_score: null });
  });

  it('asks for a token once per account and worker, and again only when Brandwatch stops accepting it', async () => {
    const sim = await simulator({ mentions: 3 });
    const config = brandwatchConfigFor(sim);
    const first = await readPage(config);
    const second = await readPage(config);
    expect([first.apiCalls, second.apiCalls]).toEqual([2, 1]);
    sim.revokeTokens();
    const afterRevocation = await readPage(config);
    expect(afterRevocation.apiCalls).toBe(3);
    expect(afterRevocation.rows).toHaveLength(3);
    expect(sim.requests().map((r) => `${r.endpoint} ${r.status}`)).toEqual([
      'token 200',
      'mentions 200',
      'mentions 200',
      'mentions 401',
      'token 200',
      'mentions 200',
    ]);
  });

  it('reports the rate-limit headers as usage', async () => {
    const sim = await simulator({ mentions: 3, rateLimit: { requests: 30, windowMs: 600_000 } });
    const page = await readPage(brandwatchConfigFor(sim));
    expect(page.usage).toEqual({ used: 2, limit: 30, scope: 'Brandwatch requests per 10m' });
  });

  it('asks again for the late-arrival window before the cursor but returns only mentions added after it', async () => {
    const sim = await simulator({ mentions: 20, days: 3 });
    const config = brandwatchConfigFor(sim, { lateArrivalDays: 7 });
    const first = await readToEnd(brandwatchSource, config, 'mentions', null);
    sim.addMentions(2);
    const next = await readToEnd(brandwatchSource, config, 'mentions', first.position);
    expect(next.rows.map((r) => r.resource_id)).toEqual(
      sim
        .mentions()
        .slice(-2)
        .map((m) => m.resourceId),
    );
  });
});

describe('throttling', () => {
  it("turns Brandwatch's own limit (429, no Retry-After) into a RateLimitedError without a wait", async () => {
    const sim = await simulator({ mentions: 3, rateLimit: { requests: 2, windowMs: 600_000 } });
    const config = brandwatchConfigFor(sim);
    await readPage(config);
    const error: unknown = await readPage(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ category: 'rate-limited', retryAfterMs: null });
    expect(sim.requests().at(-1)).toMatchObject({ endpoint: 'mentions', status: 429 });
  });

  it('refuses an unknown project as a config error naming what to check', async () => {
    const sim = await simulator({ mentions: 1 });
    const error: unknown = await readPage(brandwatchConfigFor(sim, { projectId: 12 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'config', hint: "check the connector's projectId and queryIds" });
  });
});

const quarantineLine = z.object({ record: z.record(z.string(), z.unknown()), reasons: z.array(z.string()) });

describe('quality gate on mentions', () => {
  const folder = useTempDir('brandwatch-quality-', { each: true });

  it('quarantines out-of-bounds and unknown sentiment, missing ids and duplicates, and passes the rest', async () => {
    const flawRates = {
      'out-of-range-sentiment': 0.08,
      'unknown-sentiment': 0.08,
      'missing-sentiment': 0.05,
      duplicate: 0.05,
      'missing-resource-id': 0.03,
      'placeholder-updated': 0.03,
    };
    const sim = await simulator({ mentions: 300, flawRates });
    const { rows } = await readToEnd(brandwatchSource, brandwatchConfigFor(sim), 'mentions', null);
    const staging = new Staging(folder.path);
    const stream = brandwatchStreams.mentions;
    const batch = await staging.writeBatch('c1/mentions', stream, rows, null);
    const { summary } = await validateBatch(
      { staging },
      { area: 'c1/mentions', stream, batch, suite: defaultSuiteFor('brandwatch', 'mentions'), runTime: new Date() },
    );

    const quarantined: z.infer<typeof quarantineLine>[] = [];
    if (summary.quarantine) for await (const line of staging.readBatch(summary.quarantine)) quarantined.push(quarantineLine.parse(line));
    const clean: Row[] = [];
    if (summary.clean) for await (const row of staging.readBatch(summary.clean)) clean.push(row);

    const reasonsOf = (predicate: (row: Row) => boolean): string[][] =>
      quarantined.filter((q) => predicate(q.record)).map((q) => q.reasons);
    const outOfRange = reasonsOf((r) => typeof r.sentiment_score === 'number' && Math.abs(r.sentiment_score) > 1);
    expect(outOfRange.length).toBeGreaterThan(0);
    for (const reasons of outOfRange) expect(reasons).toContain('between(sentiment_score)');
    expect(reasonsOf((r) => r.sentiment === 'mixed' || r.sentiment === 'POSITIVE' || r.sentiment === 'n/a').flat()).toContain(
      'in_set(sentiment)',
    );
    expect(reasonsOf((r) => r.resource_id === null).flat()).toContain('not_null(resource_id)');
    expect(reasonsOf((r) => r.updated === '1970-01-01T00:00:00.000Z').flat()).toContain('between(updated)');
    expect(quarantined.some((q) => q.reasons.includes('unique(resource_id)'))).toBe(true);

    expect(clean.length + quarantined.length).toBe(rows.length);
    for (const row of clean) {
      expect(['positive', 'neutral', 'negative']).toContain(row.sentiment);
      expect(Math.abs(Number(row.sentiment_score))).toBeLessThanOrEqual(1);
    }
    expect(summary.invalid).toBe(quarantined.length);
  });
});

describe('configuration', () => {
  it('names the field and the rule for a bad config', () => {
    const bad = brandwatchSourceSchema.safeParse({
      kind: 'brandwatch',
      username: 'u',
      password: 'p',
      projectId: 1,
      queryIds: [],
      sentimentScores: { positive: 2, neutral: 0, negative: -1 },
    });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['queryIds', 'must name at least one query'],
      ['sentimentScores.positive', 'must be between -1 and 1'],
    ]);
  });
});
