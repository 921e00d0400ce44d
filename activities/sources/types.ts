/**
 * A source plug-in: one file that fills this interface, plus a simulator and the shared source
 * test suite. The generic extract activity does staging, batching, heartbeats and resumption.
 */
import type { SourceConfig, SourceKind } from '../../domain/connector';
import type { StreamCursor } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';

/** One row as it will land in the warehouse: keys are the stream's column names. */
export type Row = Record<string, unknown>;

export interface SourcePage {
  /** Mapped rows, in ascending order of (cursor column, primary key). */
  rows: Row[];
  /** API calls this page cost. */
  apiCalls: number;
  /**
   * Set on the last page when the source must stop for now (daily quota): the rows already read
   * are loaded and the cycle ends deferred, to resume on the next run.
   */
  stop?: { reason: 'daily-api-quota'; detail: string };
}

export interface SourcePlugin<C extends SourceConfig = SourceConfig> {
  readonly kind: SourceKind;
  readonly streams: Readonly<Record<string, StreamDefinition>>;
  /**
   * Pages of the stream strictly after `cursor` (all of it when null). Throws ConnectorError
   * (RateLimitedError for throttling). Must stop promptly when `signal` aborts.
   */
  read(config: C, stream: string, cursor: StreamCursor | null, signal: AbortSignal): AsyncIterable<SourcePage>;
}
