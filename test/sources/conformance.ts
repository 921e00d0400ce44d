/**
 * The shared source suite: every source plug-in, driven against its simulator through the real
 * client library or HTTP, passes the same per-stream checklist — one page, many pages, first run,
 * run with prior state, incremental run, empty source, throttled with and without a wait, refused
 * credentials failing fast. A source provides a SourceConformanceCase in test/sources/<kind>.test.ts.
 */
import { connectorStreams } from '../../domain/sources';
import type { SourceConfig, SourceKind } from '../../domain/connector';
import type { StreamCursor } from '../../domain/cycle';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import type { Row, SourcePage, SourcePlugin } from '../../activities/sources/types';
import type { CatalogStream } from '../../domain/catalog';
import { useSimulators } from '../support/fixture';

/** A running simulator of one source, seeded for one stream. */
export interface SimulatedSource<C extends SourceConfig = SourceConfig> {
  /** A connector's source config pointing at the simulator. */
  config: C;
  /** The same, with credentials the simulator refuses. */
  refusedConfig: C;
  /** Adds `count` records to the stream, newer than every record before. */
  addRecords(stream: string, count: number): Promise<void>;
  /**
   * The next `times` API requests, after `afterRequests` more succeed, are throttled as the real
   * service does it (429 or its equivalent), with this Retry-After (null: the service sends none).
   */
  throttleNext(times: number, retryAfterSeconds: number | null, afterRequests?: number): Promise<void>;
  /** When each API request reached the simulator (epoch ms), throttled ones included. */
  requests(): number[];
  /** The stream as the account's catalog describes it, for a plug-in that discovers its streams (as a cycle reads it). */
  catalogStream?: CatalogStream;
  stop(): Promise<void>;
}

export interface SourceConformanceCase<C extends SourceConfig = SourceConfig> {
  kind: SourceKind;
  plugin: SourcePlugin<C>;
  stream: string;
  /** Starts the simulator with `records` records in `stream`, served `pageSize` per page. */
  start(options: { records: number; pageSize: number }): Promise<SimulatedSource<C>>;
  /**
   * The source re-reads a settling window on every run (e.g. GA4's last days), so an incremental
   * run returns the new records and some old ones again.
   */
  rereads?: boolean;
  /** Rows per record when a record yields several rows (a report row per dimension); default 1. */
  rowsPerRecord?: number;
  /** What the suite's title names: the stream, unless the case runs over one of several accounts (org profiles). */
  label?: string;
  /** The warehouse (DuckDB) type of each column a cycle lands, where the case holds them to the source's own types. */
  landedColumnTypes?: Readonly<Record<string, string>>;
}

/** A stream read to its end as the workflow reads it: page after page, each from the last one's token. */
export async function readToEnd<C extends SourceConfig>(
  plugin: SourcePlugin<C>,
  config: C,
  stream: string,
  cursor: StreamCursor | null,
  partition: string | null = null,
  catalogStream?: CatalogStream,
): Promise<{ pages: SourcePage[]; rows: Row[]; position: StreamCursor | null }> {
  const definition = connectorStreams(config)[stream];
  if (!definition) throw new Error(`this ${plugin.kind} connector has no stream ${stream}`);
  const pages: SourcePage[] = [];
  let position = cursor;
  let pageToken: string | null = null;
  for (;;) {
    const page = await plugin.readPage(
      config,
      stream,
      { connectorId: `${plugin.kind}-conformance`, cursor: position, pageToken, partition, ...(catalogStream ? { catalogStream } : {}) },
      new AbortController().signal,
    );
    pages.push(page);
    const last = page.rows.at(-1);
    const fromRow = last ? { value: String(last[definition.cursorColumn]), lastKey: String(last[definition.primaryKey]) } : null;
    position = page.checkpoint ?? fromRow ?? position;
    if (page.nextPageToken === null || page.stop) return { pages, rows: pages.flatMap((p) => p.rows), position };
    pageToken = page.nextPageToken;
  }
}

export function describeSourceConformance<C extends SourceConfig>(source: SourceConformanceCase<C>): void {
  const keyOf = (row: Row): string => String(row[source.plugin.streams[source.stream]?.primaryKey ?? 'id']);
  const perRecord = source.rowsPerRecord ?? 1;
  const read = (sim: SimulatedSource<C>, cursor: StreamCursor | null = null) =>
    readToEnd(source.plugin, sim.config, source.stream, cursor, null, sim.catalogStream);

  describe(`${source.kind} source conformance (${source.label ?? source.stream})`, () => {
    const start = useSimulators((records: number, pageSize: number): Promise<SimulatedSource<C>> => source.start({ records, pageSize }));

    it('reads a small stream in one page', async () => {
      const sim = await start(5, 50);
      const { pages, rows } = await read(sim);
      expect(pages).toHaveLength(1);
      expect(rows).toHaveLength(5 * perRecord);
      expect(pages[0]?.apiCalls).toBeGreaterThanOrEqual(1);
    });

    it('reads many pages, every record exactly once', async () => {
      const sim = await start(25, 10);
      const { pages, rows } = await read(sim);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(new Set(rows.map(keyOf)).size).toBe(25 * perRecord);
      expect(rows).toHaveLength(25 * perRecord);
    });

    it('reads nothing new from the position a finished run left, then only what was added', async () => {
      const sim = await start(12, 5);
      const first = await read(sim);
      const again = await read(sim, first.position);
      if (!source.rereads) expect(again.rows).toHaveLength(0);
      await sim.addRecords(source.stream, 3);
      const incremental = await read(sim, again.position);
      const seen = new Set(first.rows.map(keyOf));
      const fresh = incremental.rows.filter((row) => !seen.has(keyOf(row)));
      expect(fresh).toHaveLength(3 * perRecord);
      if (!source.rereads) expect(incremental.rows).toHaveLength(3 * perRecord);
    });

    it('answers an empty source with one empty, final page', async () => {
      const sim = await start(0, 10);
      const { pages, rows } = await read(sim);
      expect(rows).toHaveLength(0);
      expect(pages.at(-1)?.nextPageToken).toBeNull();
    });

    it("turns throttling into a RateLimitedError with the server's wait, and reads on after it", async () => {
      const sim = await start(8, 4);
      await sim.throttleNext(1, 3);
      const error: unknown = await read(sim).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ category: 'rate-limited', retryAfterMs: 3000 });
      const { rows } = await read(sim);
      expect(new Set(rows.map(keyOf)).size).toBe(8 * perRecord);
    });

    it('treats throttling without a wait as no hint (null), never as "retry now"', async () => {
      const sim = await start(3, 10);
      await sim.throttleNext(1, null);
      await expect(read(sim)).rejects.toMatchObject({ category: 'rate-limited', retryAfterMs: null });
    });

    it('refuses bad credentials at once, as an auth error that says what to do', async () => {
      const sim = await start(3, 10);
      const started = Date.now();
      const error: unknown = await readToEnd(source.plugin, sim.refusedConfig, source.stream, null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ category: 'auth' });
      expect(error instanceof ConnectorError ? error.hint : undefined).toEqual(expect.any(String));
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  });
}
