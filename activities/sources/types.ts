/**
 * A source plug-in: the index.ts of the source's folder fills this interface beside its definition
 * (definition.ts), plus a simulator and the shared source conformance suite
 * (test/sources/conformance.ts). The plug-in reads ONE page per call: each call is
 * one activity task on the source's task queue, whose rate is the API's limit, so the limit holds
 * across any number of workers. Staging, batching, cursors and retries are generic.
 */
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

export interface SourcePlugin<C extends SourceConfig = SourceConfig> {
  readonly kind: SourceKind;
  readonly streams: Readonly<Record<string, StreamDefinition>>;
  /**
   * Slices of a stream read in parallel, each with its own cursor (e.g. customer-ID ranges).
   * Omitted: one unpartitioned read.
   */
  partitions?(config: C, stream: string): readonly string[];
  /**
   * One page (normally one API request). Throws ConnectorError (RateLimitedError for throttling,
   * with the server's wait when it gave one). Must stop promptly when `signal` aborts.
   */
  readPage(config: C, stream: string, request: PageRequest, signal: AbortSignal): Promise<SourcePage>;
  /**
   * Releases what the plug-in keeps open for the life of the process (API clients, sessions): the
   * worker calls it on every plug-in once its workers have stopped. Omitted: nothing to release.
   */
  close?(): Promise<void>;
}
