/**
 * The CMS simulator speaks GraphQL over HTTP: results shaped by the selection (aliases and
 * __typename included), parse and validation errors in `errors` with their codes, Relay-style
 * pagination, bearer-token auth, throttling both on demand and past its per-second limit, and an
 * oversized response streamed with backpressure.
 */
import { z } from 'zod';
import { startCmsSimulator, type CmsSimulator, type CmsSimulatorOptions } from '../../simulators/cms/server';
import { useSimulators } from '../support/fixture';

const simulator = useSimulators((options: CmsSimulatorOptions = {}) =>
  startCmsSimulator({ contents: 6, days: 4, flawRates: { updateDuringRead: 0 }, ...options }),
);

function graphql(sim: CmsSimulator, query: string, variables: Record<string, unknown> = {}, token = sim.accessToken): Promise<Response> {
  return fetch(sim.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
}

const errorsSchema = z.object({ errors: z.array(z.object({ message: z.string(), extensions: z.looseObject({ code: z.string() }) })) });
const errorsOf = async (response: Response): Promise<z.infer<typeof errorsSchema>['errors']> =>
  errorsSchema.parse(await response.json()).errors;

const PAGE_QUERY = `query Page($first: Int!, $after: String) {
  contentViews(first: $first, after: $after) { edges { node { id updatedAt } } pageInfo { hasNextPage endCursor } }
}`;
const pageSchema = z.object({
  data: z.object({
    contentViews: z.object({
      edges: z.array(z.object({ node: z.object({ id: z.string(), updatedAt: z.string() }) })),
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    }),
  }),
});

it('answers exactly the fields selected, under their aliases', async () => {
  const sim = await simulator();
  const response = await graphql(
    sim,
    '{ views: contentViews(first: 2) { __typename total: totalCount edges { node { id hits: views } } } }',
  );
  expect(response.status).toBe(200);
  const body: unknown = await response.json();
  const [first, second] = sim.rows().sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : 1));
  expect(body).toEqual({
    data: {
      views: {
        __typename: 'ContentViewConnection',
        total: 24,
        edges: [{ node: { id: first?.id, hits: first?.views } }, { node: { id: second?.id, hits: second?.views } }],
      },
    },
  });
});

it('pages with first/after through every row once, in (updatedAt, id) order', async () => {
  const sim = await simulator();
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const response: Response = await graphql(sim, PAGE_QUERY, { first: 5, after });
    const page = pageSchema.parse(await response.json()).data.contentViews;
    seen.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const truth = sim.rows().sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : 1));
  expect(seen).toEqual(truth.map((row) => row.id));
});

it('reports parse and validation errors with 400 and their codes, and bad arguments with BAD_USER_INPUT', async () => {
  const sim = await simulator();
  const parse = await graphql(sim, '{ contentViews(first: 1) { edges { node { id } }');
  expect(parse.status).toBe(400);
  expect(await errorsOf(parse)).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
  const unknown = await graphql(sim, '{ contentViews(first: 1) { edges { node { id pageviews } } } }');
  expect(unknown.status).toBe(400);
  expect(await errorsOf(unknown)).toEqual([
    {
      message: 'Cannot query field "pageviews" on type "ContentView". Did you mean "views"?',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    },
  ]);
  const tooMany = await graphql(sim, PAGE_QUERY, { first: 5000 });
  expect(tooMany.status).toBe(200);
  expect(await errorsOf(tooMany)).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
});

it('refuses a missing or wrong bearer token with 401 UNAUTHENTICATED', async () => {
  const sim = await simulator();
  const response = await graphql(sim, PAGE_QUERY, { first: 1 }, 'wrong');
  expect(response.status).toBe(401);
  expect(await errorsOf(response)).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
});

it('throttles on demand with a THROTTLED error and Retry-After, and past its limit with 429', async () => {
  const sim = await simulator({ requestsPerSecond: 3 });
  sim.throttleNext(1, 4);
  const onDemand = await graphql(sim, PAGE_QUERY, { first: 1 });
  expect(onDemand.status).toBe(200);
  expect(onDemand.headers.get('retry-after')).toBe('4');
  expect(await errorsOf(onDemand)).toEqual([expect.objectContaining({ extensions: { code: 'THROTTLED', retryAfterSeconds: 4 } })]);
  const burst = await Promise.all(Array.from({ length: 6 }, () => graphql(sim, PAGE_QUERY, { first: 1 })));
  expect(burst.filter((response) => response.status === 200)).toHaveLength(3);
  expect(burst.filter((response) => response.status === 429).every((response) => response.headers.get('retry-after') === '1')).toBe(true);
});

it('streams an oversized response as valid JSON, and stops writing when the client goes away', async () => {
  const sim = await simulator();
  sim.oversizeNext(300_000);
  const whole = await graphql(sim, PAGE_QUERY, { first: 2 });
  const text = await whole.text();
  expect(text.length).toBe(300_000);
  expect(pageSchema.parse(JSON.parse(text)).data.contentViews.edges).toHaveLength(2);

  sim.oversizeNext(50 * 1024 * 1024);
  const controller = new AbortController();
  const response = await fetch(sim.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sim.accessToken}` },
    body: JSON.stringify({ query: PAGE_QUERY, variables: { first: 2 } }),
    signal: controller.signal,
  });
  await response.body?.getReader().read();
  controller.abort();
  for (let i = 0; i < 100 && sim.lastOversize()?.plannedBytes !== 50 * 1024 * 1024; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(sim.lastOversize()).toMatchObject({ plannedBytes: 50 * 1024 * 1024, abandoned: true });
  expect(sim.lastOversize()?.writtenBytes).toBeLessThan(10 * 1024 * 1024);
});

it('serves introspection of its SDL, and the Hygraph-shaped connection filtered by where', async () => {
  const sim = await simulator();
  const introspection = await graphql(sim, '{ __type(name: "ContentView") { fields { name type { kind name ofType { name } } } } }');
  expect(introspection.status).toBe(200);
  const fields = z
    .object({
      data: z.object({ __type: z.object({ fields: z.array(z.object({ name: z.string(), type: z.looseObject({ kind: z.string() }) })) }) }),
    })
    .parse(await introspection.json()).data.__type.fields;
  expect(fields.map((field) => field.name)).toContain('avgTimeOnPageSeconds');
  expect(fields.find((field) => field.name === 'title')?.type).toEqual({ kind: 'SCALAR', name: 'String', ofType: null });

  const rows = sim.rows().sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : 1));
  const since = rows[10]?.updatedAt ?? '';
  // Inclusive: rows stamped at the same instant as the tenth come too.
  const matching = rows.filter((row) => Date.parse(row.updatedAt) >= Date.parse(since));
  const hygraph = await graphql(
    sim,
    `
      query Since($since: DateTime) {
        contentViewsConnection(first: 100, where: { updatedAt_gte: $since }, orderBy: updatedAt_ASC) {
          aggregate {
            count
          }
          edges {
            node {
              id
            }
          }
        }
      }
    `,
    { since },
  );
  expect(await hygraph.json()).toEqual({
    data: {
      contentViewsConnection: {
        aggregate: { count: matching.length },
        edges: matching.map((row) => ({ node: { id: row.id } })),
      },
    },
  });
});
