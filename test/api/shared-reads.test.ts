/**
 * Many people opening the same dashboard page at once: identical reads share one computation while
 * the store is unchanged (api/shared-reads.ts), yet each request is still authenticated, authorized
 * and audited on its own, gets its own request id, a creative analyst never gets another's view, and
 * a committed write or the age limit makes the next read compute afresh.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MAX_AGE_MS } from '../../api/shared-reads';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { connectorBody, createConnector, useApiHarness } from './harness';
import { useHeldWarehouse } from './held-warehouse';

const api = useApiHarness();
const warehouse = useHeldWarehouse(
  'insight-hub-shared-reads-',
  `CREATE SCHEMA marketing;
  CREATE TABLE marketing.customer AS SELECT range AS customer_id, ['US', 'DE', 'FR'][1 + range % 3] AS country FROM range(30000);`,
);

const PEOPLE = 20;
const auditPage = z.object({ items: z.array(z.object({ activityType: z.string(), userId: z.string() })) });
const healthPage = z.object({ generatedAt: z.string(), connectors: z.array(z.object({ connectorId: z.string(), userId: z.string() })) });

async function keysFor(role: 'admin' | 'creative-analyst', count: number, prefix: string): Promise<{ subject: string; key: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const subject = `${prefix}-${i}`;
      return { subject, key: await api.keyFor(role, subject) };
    }),
  );
}

describe('identical dashboard reads at the same moment', () => {
  test('twenty admins opening the Connectors page at once get the same figures, each with its own request id, from fewer store reads', async () => {
    await createConnector(api, connectorBody(`owner-${randomUUID()}`));
    const admins = await keysFor('admin', PEOPLE, `admin-${randomUUID()}`);
    const figures = jest.spyOn(api.store.insights, 'connectorFigures');
    try {
      const answers = await Promise.all(admins.map(({ key }) => api.call('GET', '/api/v1/connector-health', undefined, key)));
      expect(answers.map((answer) => answer.status)).toEqual(admins.map(() => 200));
      // generatedAt and the window are those of the computation a request shared: the figures are the same.
      const pages = answers.map((answer) => healthPage.parse(answer.body).connectors);
      expect(pages[0]?.length).toBeGreaterThan(0);
      for (const page of pages) expect(page).toEqual(pages[0]);
      expect(new Set(answers.map((answer) => answer.headers.get('x-request-id'))).size).toBe(PEOPLE);
      // Shared while the store is unchanged: at most half of the twenty reached the roll-ups.
      expect(figures.mock.calls.length).toBeGreaterThan(0);
      expect(figures.mock.calls.length).toBeLessThanOrEqual(PEOPLE / 2);
    } finally {
      figures.mockRestore();
    }
  });

  test('a committed write makes the next read compute afresh, and no kept answer is older than the age limit', async () => {
    const page = async () => healthPage.parse((await api.call('GET', '/api/v1/connector-health')).body);
    const first = await page();
    const added = await createConnector(api, connectorBody(`owner-${randomUUID()}`));
    const afterWrite = await page();
    expect(afterWrite.connectors.map((c) => c.connectorId)).toContain(added);
    expect(first.connectors.map((c) => c.connectorId)).not.toContain(added);
    // Unchanged store: the kept answer, as computed (its generatedAt says when).
    expect((await page()).generatedAt).toBe(afterWrite.generatedAt);
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 200));
    expect(Date.parse((await page()).generatedAt)).toBeGreaterThan(Date.parse(afterWrite.generatedAt) + MAX_AGE_MS);
  });

  test('each of twenty audit-log reads at once leaves its own audit entry', async () => {
    const prefix = `reader-${randomUUID()}`;
    const readers = await keysFor('admin', PEOPLE, prefix);
    const answers = await Promise.all(readers.map(({ key }) => api.call('GET', '/api/v1/audit-log?limit=5', undefined, key)));
    expect(answers.map((answer) => answer.status)).toEqual(readers.map(() => 200));
    const reads = (await api.store.audit.list(PLATFORM_AUDIT_ID, 1000)).filter(
      (entry) => entry.activityType === 'api.personal-data-read' && entry.userId.startsWith(prefix),
    );
    expect(reads.map((entry) => entry.userId).sort()).toEqual(readers.map((reader) => reader.subject).sort());
  });

  test('twenty audit-log reads at once: each answer already lists its own read, audited before it was answered', async () => {
    const prefix = `listed-${randomUUID()}`;
    const readers = await keysFor('admin', PEOPLE, prefix);
    const answers = await Promise.all(readers.map(({ key }) => api.call('GET', '/api/v1/audit-log?limit=100', undefined, key)));
    readers.forEach(({ subject }, i) => {
      const { items } = auditPage.parse(answers[i]?.body);
      const ownReads = items.filter((entry) => entry.activityType === 'api.personal-data-read' && entry.userId === subject);
      expect(ownReads).toHaveLength(1);
    });
  });

  test('creative analysts asking at once each see their own connectors only', async () => {
    const analysts = await keysFor('creative-analyst', 2, `analyst-${randomUUID()}`);
    const own = new Map<string, string>();
    for (const { subject } of analysts) own.set(subject, await createConnector(api, connectorBody(subject)));
    const asked = Array.from({ length: PEOPLE }, (_, i) => analysts[i % analysts.length]);
    const answers = await Promise.all(asked.map((analyst) => api.call('GET', '/api/v1/connector-health', undefined, analyst?.key)));
    answers.forEach((answer, i) => {
      const subject = asked[i]?.subject ?? '';
      expect(answer.status).toBe(200);
      expect(healthPage.parse(answer.body).connectors.map((c) => c.connectorId)).toEqual([own.get(subject)]);
    });
  });

  test('a refused read stays each request’s own: every one is answered 400 naming the parameter', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.call('GET', '/api/v1/audit-log?cursor=bm90LWEta2V5')));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('cursor');
    }
  });

  test('the same segmentation query from twenty people: each gets the rows and its own warehouse.query audit row', async () => {
    const owner = `owner-${randomUUID()}`;
    const body = connectorBody(owner);
    const configuration = {
      ...(body.configuration as Record<string, unknown>),
      destination: { kind: 'duckdb', path: warehouse.file, schema: 'marketing' },
    };
    const connectorId = await createConnector(api, { ...body, configuration });
    const people = await keysFor('admin', PEOPLE, `segmenter-${randomUUID()}`);
    const sql = 'SELECT country, count(*) AS customers FROM customer GROUP BY country ORDER BY country';
    const answers = await Promise.all(
      people.map(({ key }) => api.call('POST', '/api/v1/warehouse/query', { json: { sql, connectorId } }, key)),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 200,
        body: {
          rows: [
            { country: 'DE', customers: 10000 },
            { country: 'FR', customers: 10000 },
            { country: 'US', customers: 10000 },
          ],
        },
      });
    }
    const audited = (await api.store.audit.list(connectorId, 1000)).filter((entry) => entry.activityType === 'warehouse.query');
    expect(audited.map((entry) => (entry.details.actor as { subject: string }).subject).sort()).toEqual(
      people.map((person) => person.subject).sort(),
    );
    expect(audited.every((entry) => entry.details.outcome === 'ok' && entry.details.rows === 3)).toBe(true);
  });
});
