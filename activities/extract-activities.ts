/**
 * The generic extract activity: drives a source plug-in page by page, cuts the rows into staged
 * batches, heartbeats its progress and, after a throttled attempt, resumes from the last staged batch
 * instead of spending the API calls again.
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { SourceKind } from '../domain/connector';
import { batchRefSchema, streamCursorSchema, type BatchRef, type ExtractRequest, type ExtractResult, type StreamCursor } from '../domain/cycle';
import type { StreamDefinition } from '../domain/streams/types';
import { ConnectorError } from './errors';
import type { Logger } from './logger';
import type { Staging } from './staging/staging';
import type { ControlPlaneStore } from './store/types';
import type { Row, SourcePage, SourcePlugin } from './sources/types';

export interface ExtractActivityDeps {
  store: ControlPlaneStore;
  staging: Staging;
  plugins: Record<SourceKind, SourcePlugin>;
  logger: Logger;
}

/** What a heartbeat carries: references and counts only, never rows. */
const progressSchema = z.object({
  batches: z.array(batchRefSchema),
  apiCalls: z.number().int().nonnegative(),
  cursor: streamCursorSchema.nullable(),
});
type Progress = z.infer<typeof progressSchema>;

export function createExtractActivities(deps: ExtractActivityDeps) {
  return {
    async extractStream(request: ExtractRequest): Promise<ExtractResult> {
      const context = Context.current();
      const connector = await deps.store.getConnector(request.connectorId);
      if (!connector) throw new ConnectorError('config', `connector ${request.connectorId} does not exist`);
      const source = connector.configuration.source;
      const plugin = deps.plugins[source.kind];
      const stream = plugin.streams[request.stream];
      if (!stream) throw new ConnectorError('config', `source ${source.kind} has no stream ${request.stream}`);

      const resumed = progressSchema.safeParse(context.info.heartbeatDetails);
      const progress: Progress = resumed.success ? resumed.data : { batches: [], apiCalls: 0, cursor: request.cursor };
      const batcher = new Batcher(deps.staging, `${request.connectorId}/${stream.name}`, stream, source.batchSize, progress);

      let stop: SourcePage['stop'];
      try {
        for await (const page of plugin.read(source, stream.name, progress.cursor, context.cancellationSignal)) {
          progress.apiCalls += page.apiCalls;
          await batcher.add(page.rows);
          context.heartbeat(progress);
          if (page.stop) {
            stop = page.stop;
            break;
          }
        }
        await batcher.flush();
      } catch (error) {
        // Keep what was read before the failure: the next attempt starts after the last staged batch.
        await batcher.flush();
        context.heartbeat(progress);
        deps.logger.warn({ connectorId: request.connectorId, stream: stream.name, error: String(error) }, 'extract attempt failed');
        throw error; // mapped onto Temporal's failure (with Retry-After) by the worker's interceptor
      }

      return {
        batches: progress.batches,
        apiCalls: progress.apiCalls,
        deferred: stop ? { reason: stop.reason, detail: stop.detail } : null,
      };
    },
  };
}

/** Accumulates rows and stages them in batches of `size`, advancing the progress cursor per batch. */
class Batcher {
  private pending: Row[] = [];

  constructor(
    private readonly staging: Staging,
    private readonly area: string,
    private readonly stream: StreamDefinition,
    private readonly size: number,
    private readonly progress: Progress,
  ) {}

  async add(rows: readonly Row[]): Promise<void> {
    this.pending.push(...rows);
    while (this.pending.length >= this.size) await this.stage(this.pending.splice(0, this.size));
  }

  async flush(): Promise<void> {
    if (this.pending.length > 0) await this.stage(this.pending.splice(0));
  }

  private async stage(rows: Row[]): Promise<void> {
    const cursorAfter = cursorOf(this.stream, rows[rows.length - 1]);
    const batch: BatchRef = await this.staging.writeBatch(this.area, this.stream, rows, cursorAfter);
    this.progress.batches.push(batch);
    // A row without a cursor must not send a resumed attempt back to the start of the stream.
    this.progress.cursor = cursorAfter ?? this.progress.cursor;
  }
}

function cursorOf(stream: StreamDefinition, row: Row | undefined): StreamCursor | null {
  const value = row?.[stream.cursorColumn];
  const key = row?.[stream.primaryKey];
  return typeof value === 'string' && typeof key === 'string' ? { value, lastKey: key } : null;
}
