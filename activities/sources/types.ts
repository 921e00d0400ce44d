/**
 * A source plug-in: the index.ts of the source's folder fills this interface beside its definition
 * (definition.ts), plus a simulator and the shared source conformance suite
 * (test/sources/conformance.ts). The plug-in reads ONE page per call: each call is
 * one activity task on the source's task queue, whose rate is the API's limit, so the limit holds
 * across any number of workers. Staging, batching, cursors and retries are generic.
 */
import type { CatalogStream, SourceCatalog } from '../../domain/catalog';
import type { SourceConfig, SourceKind } from '../../domain/connector';
import type { StreamCursor } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';

/** One row as it will land in the warehouse: keys are the stream's column names. */
export type Row = Record<string, unknown>;

/**
 * Where a mapper puts the source values it could not convert to their column's type, by column (the
 * column itself is null): the quality gate quarantines such a row with `convertible(<column>)`, so
 * one odd value costs its row, not the whole extract.
 */
export const UNCONVERTIBLE = '_ih_unconvertible';

/** Sets `column` to null and keeps the raw value under UNCONVERTIBLE, for the quarantine to show. */
export function markUnconvertible(row: Row, column: string, raw: unknown): void {
  row[column] = null;
  const held = row[UNCONVERTIBLE];
  row[UNCONVERTIBLE] = { ...(typeof held === 'object' && held !== null ? held : {}), [column]: raw };
}

/** The columns whose source values could not be converted: none for a row a mapper fully converted. */
export function unconvertibleColumns(row: Row): string[] {
  const held = row[UNCONVERTIBLE];
  return typeof held === 'object' && held !== null ? Object.keys(held) : [];
}

/** The stream a plug-in is asked to read, or a config error naming the ones `service` has. */
export function streamNamed<S extends StreamDefinition>(streams: Readonly<Record<string, S>>, name: string, service: string): S {
  const stream = Object.hasOwn(streams, name) ? streams[name] : undefined;
  if (!stream) throw new ConnectorError('config', `unknown ${service} stream "${name}"`, `use one of ${Object.keys(streams).join(', ')}`);
  return stream;
}

export interface PageRequest {
  /** The connector reading: push sources read their own inbox by it. */
  connectorId: string;
  /** Where the stream (or partition) stands: read strictly after it; null reads from the beginning. */
  cursor: StreamCursor | null;
  /** The continuation the previous page of this read returned; null on a read's first page. */
  pageToken: string | null;
  /** The slice of the stream being read, when the plug-in partitions it; else null. */
  partition: string | null;
  /** The stream as the account's catalog describes it, for a plug-in that discovers its streams; else absent. */
  catalogStream?: CatalogStream;
}

/** Usage the service reported on a response, e.g. Salesforce's `api-usage=used/max`. */
export interface ReportedUsage {
  used: number;
  limit: number;
  /** What the figures count, e.g. `daily API requests`, `requests per 10 minutes`. */
  scope: string;
}

export interface SourcePage {
  /** Mapped rows. */
  rows: Row[];
  /** Requests this page cost, a login or token refresh included. */
  apiCalls: number;
  /**
   * Where the next page of this read starts; null once caught up. It travels through workflow
   * history: small, and never a secret or personal data.
   */
  nextPageToken: string | null;
  /**
   * The stream's position after this page when it is not the last row's (cursor column, primary
   * key) — e.g. Zendesk's opaque after_cursor. Omitted: taken from the page's last row.
   */
  checkpoint?: StreamCursor;
  /** Usage the service reported with this response. */
  usage?: ReportedUsage;
  /** Set when the page's request took longer than the source's latency target (CMS: 500 ms). */
  slowRequest?: { durationMs: number; targetMs: number };
  /**
   * Set when the source must stop for now (daily quota): what was read is loaded, the cursor is
   * checkpointed and the cycle ends deferred, to resume on the next run.
   */
  stop?: { reason: 'daily-api-quota'; detail: string };
}

/**
 * One stream's catalog entry, asked of the account by one request (Salesforce: the object's
 * describe) on the account's task queue, or the daily quota's stop before it could be asked.
 */
export type StreamDiscovery =
  | { kind: 'found'; stream: CatalogStream; apiCalls: number; usage?: ReportedUsage }
  | { kind: 'quota-exhausted'; detail: string; apiCalls: number };

/** A choice of a connector's `source` block the account does not offer. */
export interface RefusedChoice {
  /** Where in the `source` block, e.g. ['queryIds', 1]. */
  path: (string | number)[];
  /** What the account has instead, for the caller to fix the choice. */
  message: string;
}

/**
 * A discovery that finds the account lacks what the config chooses (a CMS query naming a field the
 * schema does not have): the API answers it as a 400 naming each choice, as at create time.
 */
export class ChoicesRefusedError extends ConnectorError {
  constructor(
    service: string,
    readonly choices: readonly RefusedChoice[],
  ) {
    super('config', `${service} does not have what the connector's source chooses: ${choices.map((c) => c.message).join('; ')}`);
  }
}

/** What a discovery may use besides the config. */
export interface DiscoverContext {
  /** Aborts the account's requests (the API's request closed, or timed out). */
  signal: AbortSignal;
}

export interface SourcePlugin<C extends SourceConfig = SourceConfig> {
  readonly kind: SourceKind;
  readonly streams: Readonly<Record<string, StreamDefinition>>;
  /**
   * Slices of a stream read in parallel, each with its own cursor (e.g. customer-ID ranges).
   * Omitted: one unpartitioned read.
   */
  partitions?(config: C, stream: string): readonly string[];
  /**
   * A polling source that also takes webhooks (Zendesk): the partition its webhook drain reads, the
   * connector's inbox, under a cursor of its own beside the polled one. Omitted: the drain, if the
   * source has one, reads the stream as a cycle does (SendGrid, whose only path is the inbox).
   */
  readonly webhookPartition?: string;
  /**
   * One page (normally one API request). Throws ConnectorError (RateLimitedError for throttling,
   * with the server's wait when it gave one). Must stop promptly when `signal` aborts.
   */
  readPage(config: C, stream: string, request: PageRequest, signal: AbortSignal): Promise<SourcePage>;
  /**
   * The streams the account behind `config` offers, asked of the account (Salesforce: describe).
   * Throws ConnectorError like readPage when the account refuses. Omitted: the plug-in's fixed
   * `streams`, through discoverCatalog (./catalog.ts).
   */
  discover?(config: C, ctx: DiscoverContext): Promise<SourceCatalog>;
  /**
   * One stream's entry of `discover`, for a cycle to ask on the account's rate-limited task queue
   * before it reads the stream, each request counted like a page's. Throws ConnectorError like
   * readPage. Omitted: a cycle's plan asks `discover` for the whole catalog.
   */
  discoverStream?(config: C, stream: string, ctx: DiscoverContext): Promise<StreamDiscovery>;
  /**
   * What the config chooses that the account does not have (GA4: a dimension or metric the
   * property lacks; Brandwatch: a query id outside the project), asked of the account when a
   * connector is created or changed. Empty: the account has all of it. Throws ConnectorError like
   * readPage when the account cannot be asked. Omitted: the config's shape says it all.
   */
  refusedChoices?(config: C, ctx: DiscoverContext): Promise<RefusedChoice[]>;
  /**
   * Releases what the plug-in keeps open for the life of the process (API clients, sessions): the
   * worker calls it on every plug-in once its workers have stopped. Omitted: nothing to release.
   */
  close?(): Promise<void>;
}
