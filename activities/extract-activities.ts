/**
 * The generic extract activity: reads ONE page of a stream through its source plug-in, stages the
 * rows as a content-addressed batch and records the API usage. Each page is its own activity task
 * on the source's task queue, whose rate is the API's limit, so the limit holds across every worker
 * and a throttled page is retried alone, after the server's wait.
 */
import { Context } from '@temporalio/activity';
import type { Connector, SourceKind } from '../domain/connector';
import type { ExtractedPage, PageExtractRequest, StreamCursor, StreamDescribed } from '../domain/cycle';
import { sourceDefinitions } from '../domain/sources';
import type { StreamDefinition } from '../domain/streams/types';
import { auditTrail, connectorOrFail, utcDate, type AuditTrail, type Notifying } from './chores';
import { withinActivity } from './effect-keys';
import { ConnectorError } from './errors';
import type { Logger } from './logger';
import { extractPageDuration } from './observability/metrics';
import { applyPersonalColumns, hidesSubjectColumns, type ColumnHasher } from './privacy/personal-columns';
import { recordScreening } from './privacy/screening-audit';
import { connectorStream } from './sources/connector-streams';
import type { Staging } from './staging/staging';
import type { Store } from './store/store';
import type { Row, SourcePage, SourcePlugin } from './sources/types';

/** What page reads use of the store. */
export type ExtractStore = Pick<Store, 'connectors' | 'sourceCatalogs' | 'apiUsage' | 'audit' | 'recordOnce' | 'privacy'>;

export interface ExtractActivityDeps extends Notifying {
  store: ExtractStore;
  staging: Staging;
  plugins: Record<SourceKind, SourcePlugin>;
  logger: Logger;
  /** Keys the personal columns a connector hashes. */
  columnHasher: ColumnHasher;
  /** The clock, for usage windows. */
  now?: () => Date;
}

export function createExtractActivities(deps: ExtractActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const audit = auditTrail({ store: deps.store, logger: deps.logger, now, notifier: deps.notifier });
  const usage = apiUsageRecorder(deps, audit, now);

  /** The rows not of a suppressed subject; those screened out are counted in the audit log and the day's metrics, once. */
  async function withoutSuppressed(connector: Connector, stream: string, rows: Row[]): Promise<{ rows: Row[]; suppressed: number }> {
    const list = await deps.store.privacy.loadSuppressionList();
    const kept = rows.filter((row) => !list.matches(row));
    const suppressed = rows.length - kept.length;
    const at = { connectorId: connector.id, userId: connector.userId, stream, date: utcDate(now()) };
    await recordScreening(
      deps.store.audit,
      { ...at, extractedPage: true, key: withinActivity('privacy.rows-screened') },
      {
        suppressed,
        withoutConsent: 0,
      },
    );
    return { rows: kept, suppressed };
  }

  return {
    async extractPage(request: PageExtractRequest): Promise<ExtractedPage> {
      const connector = await connectorOrFail(deps.store.connectors, request.connectorId);
      const source = connector.configuration.source;
      const plugin = deps.plugins[source.kind];
      // A source whose fields are the account's reads by the catalog its cycle's plan stored.
      const { stream, catalogStream } = await connectorStream(deps.store.sourceCatalogs, connector.id, source, request.stream);

      const stopTimer = extractPageDuration.startTimer({ connector_id: connector.id, stream: stream.name });
      let page: SourcePage;
      try {
        const pageRequest = catalogStream ? { ...request, catalogStream } : request;
        page = await plugin.readPage(source, stream.name, pageRequest, Context.current().cancellationSignal);
      } catch (error) {
        // A refused or throttled request still counts against the limit.
        await usage.record(connector, 1, undefined);
        throw error; // mapped onto Temporal's failure (with Retry-After) by the worker's interceptor
      }
      await usage.record(connector, page.apiCalls, page.usage);
      if (page.slowRequest) await recordSlowRequest(audit, connector, stream.name, page.slowRequest);

      const area =
        request.partition === null ? `${request.connectorId}/${stream.name}` : `${request.connectorId}/${stream.name}/partitions`;
      const cursorAfter = page.checkpoint ?? cursorOf(stream, page.rows.at(-1)) ?? request.cursor;
      const { personalColumns } = connector.configuration;
      // The load's screen finds an erased subject by its email or customer id: where that column is
      // about to be hashed or dropped, its rows are screened now, while the value is still there.
      const screened = hidesSubjectColumns(personalColumns, stream.name)
        ? await withoutSuppressed(connector, stream.name, page.rows)
        : { rows: page.rows, suppressed: 0 };
      // Hashed and dropped before staging: a dropped value is never written anywhere.
      const rows = applyPersonalColumns(screened.rows, personalColumns, stream.name, deps.columnHasher);
      // A page whose rows were all screened out still moves the cursor past them.
      const batch =
        rows.length > 0 || page.checkpoint || screened.suppressed > 0
          ? await deps.staging.writeBatch(area, stream, rows, cursorAfter)
          : null;
      stopTimer(); // read and staged: a failed read is not a duration
      return {
        batch,
        nextPageToken: page.nextPageToken,
        apiCalls: page.apiCalls,
        deferred: page.stop ? { reason: page.stop.reason, detail: page.stop.detail } : null,
        suppressed: screened.suppressed,
      };
    },

    /**
     * Asks the account for one stream's catalog entry (Salesforce: its object's describe) and stores
     * it, before the cycle reads the stream: on this queue, so the request is within the account's
     * rate, and counted like a page's.
     */
    async describeStream(request: { connectorId: string; stream: string }): Promise<StreamDescribed> {
      const connector = await connectorOrFail(deps.store.connectors, request.connectorId);
      const source = connector.configuration.source;
      const plugin = deps.plugins[source.kind];
      if (!plugin.discoverStream) throw new ConnectorError('system', `a ${source.kind} stream has no catalog entry of its own to ask for`);
      let found;
      try {
        found = await plugin.discoverStream(source, request.stream, { signal: Context.current().cancellationSignal });
      } catch (error) {
        await usage.record(connector, 1, undefined);
        throw error;
      }
      if (found.kind === 'quota-exhausted') {
        await usage.record(connector, found.apiCalls, undefined);
        return { apiCalls: found.apiCalls, deferred: { reason: 'daily-api-quota', detail: found.detail } };
      }
      await usage.record(connector, found.apiCalls, found.usage);
      await deps.store.sourceCatalogs.saveStream(connector.id, source.kind, found.stream, now().toISOString());
      return { apiCalls: found.apiCalls, deferred: null };
    },
  };
}

/**
 * Counts every request against the source's rate window and keeps what the service reports; the
 * first call that brings a window to 80 % of its limit raises an alert, audited once.
 */
function apiUsageRecorder(deps: ExtractActivityDeps, audit: AuditTrail, now: () => Date) {
  async function alert(connector: Connector, figure: { scope: string; used: number; limit: number; windowStart: string }): Promise<void> {
    const connectorId = connector.id;
    const source = connector.configuration.source.kind;
    const share = Math.round((figure.used / figure.limit) * 100);
    await audit.record(
      { connectorId, userId: connector.userId },
      { activityType: 'api-usage.alert', details: { source, ...figure, sharePercent: share } },
      {
        key: withinActivity(`api-usage.alert/${figure.scope}`),
        log: {
          level: 'warn',
          fields: { connectorId, source, ...figure, share },
          message: 'API usage reached the alert share of its limit',
        },
      },
    );
  }

  return {
    /** The activity has the connector already: no second read of the store per page. */
    async record(connector: Connector, calls: number, reported: SourcePage['usage']): Promise<void> {
      const connectorId = connector.id;
      const source = connector.configuration.source.kind;
      const at = now();
      const limit = sourceDefinitions[source].rateLimit;
      const figures = [];
      if (limit && calls > 0) {
        const windowMs = limit.perSeconds * 1000;
        const windowStart = new Date(Math.floor(at.getTime() / windowMs) * windowMs);
        figures.push(
          await deps.store.apiUsage.record({
            connectorId,
            source,
            scope: 'rate',
            windowStart,
            mode: 'add',
            used: calls,
            limit: limit.requests,
          }),
        );
      }
      if (reported) {
        const day = new Date(utcDate(at));
        figures.push(
          await deps.store.apiUsage.record({
            connectorId,
            source,
            scope: reported.scope,
            windowStart: day,
            mode: 'set',
            used: reported.used,
            limit: reported.limit,
          }),
        );
      }
      for (const figure of figures) if (figure.alertNow) await alert(connector, figure);
    },
  };
}

/** A request past its latency target, in the connector's audit log and daily metrics: figures only. */
async function recordSlowRequest(
  audit: AuditTrail,
  connector: Connector,
  stream: string,
  slow: { durationMs: number; targetMs: number },
): Promise<void> {
  const details = { source: connector.configuration.source.kind, stream, ...slow };
  await audit.record(
    { connectorId: connector.id, userId: connector.userId },
    { activityType: 'api.slow-request', details },
    { key: withinActivity('api.slow-request'), counters: { slowApiRequests: 1 } },
  );
}

function cursorOf(stream: StreamDefinition, row: Row | undefined): StreamCursor | null {
  const value = row?.[stream.cursorColumn];
  const key = row?.[stream.primaryKey];
  return (typeof value === 'string' || typeof value === 'number') && (typeof key === 'string' || typeof key === 'number')
    ? { value: String(value), lastKey: String(key) }
    : null;
}
