/**
 * The Zendesk tickets source against the local Zendesk simulator over real HTTP: the shared source
 * checklist, the API token's 30-day rotation, the status → sentiment table, tickets repeated by an
 * export that runs while they change, and the account's rate-limit headers.
 */
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { evaluate } from '../../activities/quality/engine';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { zendeskExportSource } from '../../activities/sources/zendesk';
import type { Row } from '../../activities/sources/types';
import { zendeskSourceSchema } from '../../activities/sources/zendesk/definition';
import { tokenRotationStatus } from '../../activities/sources/zendesk/token-rotation';
import { startZendeskSimulator, type ZendeskSimulatorOptions } from '../../simulators/zendesk/server';
import { zendeskCase, zendeskConfigFor as configFor } from './cases/zendesk';
import { describeSourceConformance, readToEnd } from './conformance';
import { useSimulators } from '../support/fixture';

const DAY_MS = 86_400_000;
const daysAgo = (days: number, now = new Date()): string => new Date(now.getTime() - days * DAY_MS).toISOString();

/** No tickets change while a test reads, so every count is exact. */
const STEADY = { updateDuringExport: 0 };

describeSourceConformance(zendeskCase);

const simulator = useSimulators((options: ZendeskSimulatorOptions = {}) => startZendeskSimulator({ tickets: 40, ...options }));

describe('API token rotation (every 30 days)', () => {
  const now = new Date('2025-03-31T12:00:00Z');

  it('warns from day 25 and falls due on day 30', () => {
    expect(tokenRotationStatus(daysAgo(24.5, now), now)).toMatchObject({ ageDays: 24, warn: false, due: false });
    expect(tokenRotationStatus(daysAgo(25, now), now)).toMatchObject({ ageDays: 25, warn: true, due: false });
    expect(tokenRotationStatus(daysAgo(29.9, now), now)).toMatchObject({ ageDays: 29, warn: true, due: false });
    expect(tokenRotationStatus('2025-03-01', now)).toMatchObject({ ageDays: 30, warn: true, due: true, dueAt: '2025-03-31T00:00:00.000Z' });
  });

  it('stops a connector whose token is past due before it spends a request, saying how to rotate it', async () => {
    const sim = await simulator();
    const error: unknown = await readToEnd(zendeskExportSource, configFor(sim, { apiTokenIssuedAt: daysAgo(31) }), 'tickets', null).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'auth' });
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(/31 days old/);
    expect(message).toMatch(/new API token in Zendesk/);
    expect(message).toMatch(/apiToken and apiTokenIssuedAt/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('still reads with a token on day 29', async () => {
    const sim = await simulator({ tickets: 5 });
    const { rows } = await readToEnd(zendeskExportSource, configFor(sim, { apiTokenIssuedAt: daysAgo(29.5) }), 'tickets', null);
    expect(rows).toHaveLength(5);
  });
});

describe('configuration', () => {
  const base = { kind: 'zendesk', subdomain: 'acme', email: 'agent@acme.example', apiToken: 't', apiTokenIssuedAt: '2025-01-31' };
  const issuesOf = (input: unknown): string[] => {
    const parsed = zendeskSourceSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('fills the sentiment table with defaults and keeps what the connector overrides', () => {
    const config = zendeskSourceSchema.parse({ ...base, sentimentByStatus: { solved: 0.8, deleted: -1 } });
    expect(config.sentimentByStatus).toEqual({ new: 0, open: -0.25, pending: 0, hold: -0.5, solved: 0.8, closed: 1, deleted: -1 });
  });

  it('names the field and the rule of a bad value', () => {
    expect(issuesOf({ ...base, sentimentByStatus: { solved: 2 } })).toEqual([expect.stringMatching(/^sentimentByStatus\.solved: .*1/)]);
    expect(issuesOf({ ...base, sentimentByStatus: { slved: 1 } })).toEqual([expect.stringMatching(/^sentimentByStatus: .*slved/)]);
    expect(issuesOf({ ...base, apiTokenIssuedAt: 'last week' })).toEqual([
      'apiTokenIssuedAt: must be an ISO-8601 date or datetime, e.g. 2025-01-31',
    ]);
    expect(issuesOf({ ...base, subdomain: undefined })).toEqual(['subdomain: give exactly one of subdomain and baseUrl']);
    expect(issuesOf({ ...base, subdomain: 'acme.zendesk.com' })).toEqual([expect.stringMatching(/^subdomain: must be the subdomain only/)]);
  });
});

describe('tickets as rows', () => {
  it('maps status to sentiment through the configured table; undocumented statuses get none and are quarantined', async () => {
    const sim = await simulator({ tickets: 300, flawRates: { oddStatus: 0.1, ...STEADY } });
    const table = { new: 0.1, open: -0.3, pending: 0.2, hold: -0.9, solved: 0.7, closed: 0.6, deleted: null };
    const { rows } = await readToEnd(zendeskExportSource, configFor(sim, { sentimentByStatus: table }), 'tickets', null);
    const byStatus = new Map<unknown, Set<unknown>>();
    for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? new Set()).add(row.sentiment_score));
    for (const [status, score] of Object.entries(table)) expect(byStatus.get(status)).toEqual(new Set([score]));
    const odd = rows.filter((row) => typeof row.status === 'string' && !Object.hasOwn(table, row.status));
    expect(odd.length).toBeGreaterThan(0);
    expect(odd.every((row) => row.sentiment_score === null)).toBe(true);

    const { verdicts } = evaluate(defaultSuiteFor('zendesk', 'tickets'), odd, { runTime: new Date(), deletedColumn: 'is_deleted' });
    expect(verdicts.every((verdict) => verdict.kind === 'invalid' && verdict.failures.includes('in_set(status)'))).toBe(true);
  });

  it("carries each requester's email and name from the sideloaded users, null when they have none", async () => {
    const sim = await simulator({ tickets: 60, flawRates: { noEmail: 0.3, ...STEADY } });
    const { rows } = await readToEnd(zendeskExportSource, configFor(sim), 'tickets', null);
    const truth = new Map(sim.tickets().map((ticket) => [ticket.id, ticket]));
    expect(rows.every((row) => truth.get(Number(row.id))?.requester_id === row.requester_id)).toBe(true);
    expect(rows.some((row) => row.requester_email === null)).toBe(true);
    expect(
      rows.filter((row) => row.requester_email !== null).every((row) => /@customers\.example$/.test(String(row.requester_email))),
    ).toBe(true);
    expect(rows.every((row) => typeof row.requester_name === 'string')).toBe(true);
  });

  it('passes clean tickets through the default suite and marks deleted tickets as deletions', async () => {
    const sim = await simulator({ tickets: 200, flawRates: { oddStatus: 0, deleted: 0.1, ...STEADY } });
    const { rows } = await readToEnd(zendeskExportSource, configFor(sim), 'tickets', null);
    const { verdicts } = evaluate(defaultSuiteFor('zendesk', 'tickets'), rows, { runTime: new Date(), deletedColumn: 'is_deleted' });
    expect(verdicts.filter((verdict) => verdict.kind === 'invalid')).toEqual([]);
    const deleted = rows.filter((row) => row.status === 'deleted');
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((row) => row.is_deleted === true)).toBe(true);
  });

  it('reads a ticket updated during the export again, and the latest version of every ticket ends the read', async () => {
    const sim = await simulator({ tickets: 120, flawRates: { updateDuringExport: 1 } });
    const { rows } = await readToEnd(zendeskExportSource, configFor(sim, { pageSize: 10 }), 'tickets', null);
    expect(rows.length).toBeGreaterThan(120);
    const latest = new Map<unknown, Row>();
    for (const row of rows) latest.set(row.id, row);
    const truth = sim.tickets();
    expect(latest.size).toBe(truth.length);
    for (const ticket of truth) {
      expect(latest.get(ticket.id)).toMatchObject({ status: ticket.status, updated_at: new Date(ticket.updated_at).toISOString() });
    }
  });
});

describe('positions and limits', () => {
  it("checkpoints Zendesk's after_cursor on every page and resumes from it", async () => {
    const sim = await simulator({ tickets: 30, flawRates: STEADY });
    const config = configFor(sim, { pageSize: 10 });
    const first = await zendeskExportSource.readPage(
      config,
      'tickets',
      { cursor: null, pageToken: null, partition: null, connectorId: 'connector-under-test' },
      new AbortController().signal,
    );
    expect(first.checkpoint?.value).toBe(first.nextPageToken);
    expect(first.checkpoint?.lastKey).toBe(String(first.rows.at(-1)?.id));
    const rest = await readToEnd(zendeskExportSource, config, 'tickets', first.checkpoint ?? null);
    expect([...first.rows, ...rest.rows].map((row) => row.id)).toEqual(
      sim
        .tickets()
        .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id)
        .map((t) => t.id),
    );
  });

  it("reports the account's usage from X-Rate-Limit headers", async () => {
    const sim = await simulator({ tickets: 5 });
    const { pages } = await readToEnd(zendeskExportSource, configFor(sim), 'tickets', null);
    expect(pages[0]?.usage).toEqual({ used: 1, limit: 6000, scope: 'requests per minute' });
  });

  it("turns the account's own per-second limit into a one-second wait", async () => {
    const sim = await simulator({ tickets: 5, requestsPerSecond: 3 });
    const config = configFor(sim);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        zendeskExportSource.readPage(
          config,
          'tickets',
          { cursor: null, pageToken: null, partition: null, connectorId: 'connector-under-test' },
          new AbortController().signal,
        ),
      ),
    );
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(3);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(RateLimitedError);
      expect(reason).toMatchObject({ retryAfterMs: 1000 });
    }
  });

  it('refuses a stored cursor Zendesk no longer accepts, saying to reset it', async () => {
    const sim = await simulator({ tickets: 5 });
    const error: unknown = await readToEnd(zendeskExportSource, configFor(sim), 'tickets', { value: 'not-a-cursor', lastKey: '1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ category: 'config' });
    expect(error instanceof Error ? error.message : '').toMatch(/reset the stream's cursor/);
  });
});
