/**
 * The figures an operator watches, read from the control plane as they stand now: approvals waiting,
 * the API usage of current windows, how fresh each stream is against its target, failed cycles in a
 * row, when credentials fall due, and what retention sweeps left. The metrics gauges
 * (activities/observability/store-gauges.ts) read them at every scrape, so they hold across
 * processes and restarts. Ids, counts and times only.
 */
import { z } from 'zod';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { sourceDefinitions } from '../../domain/sources';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface LiveFigures {
  approvals: { connectorId: string; waiting: number; oldestWaitSeconds: number; soonestTimeoutSeconds: number }[];
  /** The newest window of each connector and scope within the last day; which are current is the caller's to tell. */
  apiUsage: { connectorId: string; source: string; scope: string; windowStart: Date; used: number; limit: number }[];
  /** Every stream of every active connector: seconds since its last load (since the connector was created, before one). */
  freshness: { connectorId: string; stream: string; ageSeconds: number; targetMinutes: number | null }[];
  /** Finished cycles that failed since the connector's last cycle that did not, per connector. */
  failuresInARow: { connectorId: string; failures: number }[];
  /** Zendesk connectors' API token issue dates (the token is rotated on a clock). */
  tokenIssuedAt: { connectorId: string; issuedAt: string }[];
  /** Per data type: rows the newest proofs found past their window, and the newest sweep. */
  retention: { dataType: string; remaining: number; lastSweptAt: Date }[];
  /** When each connector (or the platform) last had each of ALERTED_EVENTS in its audit log. */
  lastAlertedEvents: { connectorId: string; event: AlertedEvent; at: Date }[];
}

/** Audit events an alert rule watches by their time: a batch blocked, a compliance alert of a retention sweep. */
export const ALERTED_EVENTS = ['batch.blocked', 'compliance.alert'] as const;
export type AlertedEvent = (typeof ALERTED_EVENTS)[number];

const LONGEST_RATE_WINDOW_SECONDS = Math.max(...Object.values(sourceDefinitions).map((source) => source.rateLimit?.perSeconds ?? 0));

export interface LiveFiguresRepository {
  read(): Promise<LiveFigures>;
  /** One connector's failed cycles in a row, as the gauge counts them (the notifier's streak). */
  failuresInARowOf(connectorId: string): Promise<number>;
}

const APPROVALS = `
  SELECT connector_id::text AS connector_id, count(*)::int AS waiting,
         extract(epoch FROM now() - min(opened_at))::float8 AS oldest_wait_seconds,
         extract(epoch FROM min((request->>'deadline')::timestamptz) - now())::float8 AS soonest_timeout_seconds
    FROM approval WHERE status = 'pending' GROUP BY connector_id`;

const approvalRow = z
  .object({ connector_id: z.string(), waiting: z.number(), oldest_wait_seconds: z.number(), soonest_timeout_seconds: z.number() })
  .transform((r) => ({
    connectorId: r.connector_id,
    waiting: r.waiting,
    oldestWaitSeconds: r.oldest_wait_seconds,
    soonestTimeoutSeconds: r.soonest_timeout_seconds,
  }));

/** Only windows that can still be current: our own rate windows are at most the longest source window; a service figure covers a day. */
const API_USAGE = `
  SELECT DISTINCT ON (connector_id, scope) connector_id, source, scope, window_start, used, usage_limit
    FROM api_usage
   WHERE window_start > now() - interval '1 day' AND (scope <> 'rate' OR window_start > now() - make_interval(secs => $1))
   ORDER BY connector_id, scope, window_start DESC`;

const apiUsageRow = z
  .object({
    connector_id: z.string(),
    source: z.string(),
    scope: z.string(),
    window_start: z.date(),
    used: z.number(),
    usage_limit: z.number(),
  })
  .transform((r) => ({
    connectorId: r.connector_id,
    source: r.source,
    scope: r.scope,
    windowStart: r.window_start,
    used: r.used,
    limit: r.usage_limit,
  }));

/**
 * A stream is fresh as of the end of the last cycle that loaded it (or deferred after loading what
 * it had). Each stream's newest such run is found newest-first on the (connector_id, started_at)
 * index, so a scrape reads a few rows per stream however long the run history is.
 */
const FRESHNESS = `
  SELECT c.id::text AS connector_id, st.stream,
         extract(epoch FROM now() - coalesce(l.loaded_at, c.created_at))::float8 AS age_seconds,
         (c.configuration->'guardrails'->>'freshnessTargetMinutes')::float8 AS target_minutes
    FROM connector_config c
    CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(c.configuration->'source'->'streams', '[]'::jsonb)) st(stream)
    LEFT JOIN LATERAL (
      SELECT r.finished_at AS loaded_at FROM cycle_run r
       WHERE r.connector_id = c.id AND r.finished_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.streams) s
                      WHERE s->>'stream' = st.stream AND s->>'outcome' IN ('loaded', 'deferred'))
       ORDER BY r.started_at DESC LIMIT 1) l ON TRUE
   WHERE c.status = 'active'`;

const freshnessRow = z
  .object({ connector_id: z.string(), stream: z.string(), age_seconds: z.number(), target_minutes: z.number().nullable() })
  .transform((r) => ({ connectorId: r.connector_id, stream: r.stream, ageSeconds: r.age_seconds, targetMinutes: r.target_minutes }));

/** Counted up to this many: the alert fires at 3. */
export const FAILURES_COUNTED = 100;

/**
 * Cycles still running, waiting or skipped say nothing about failing; a cycle that ended otherwise
 * ends the run of failures. The newest finished cycles are read newest-first on the index.
 */
/** Each connector's failed cycles since its last one that ended otherwise; `where` narrows the connectors. */
const failuresInARow = (where = ''): string => `
  SELECT c.id::text AS connector_id,
         (SELECT count(*) FROM (
            SELECT count(*) FILTER (WHERE status <> 'failed') OVER (ORDER BY started_at DESC ROWS UNBOUNDED PRECEDING) AS ended_well
              FROM (SELECT status, started_at FROM cycle_run
                     WHERE connector_id = c.id AND status NOT IN ('running', 'awaiting-approval', 'skipped')
                     ORDER BY started_at DESC LIMIT ${FAILURES_COUNTED}) newest) runs
           WHERE ended_well = 0)::int AS failures
    FROM connector_config c${where}`;

const failuresRow = z
  .object({ connector_id: z.string(), failures: z.number() })
  .transform((r) => ({ connectorId: r.connector_id, failures: r.failures }));

const TOKEN_ISSUED = `
  SELECT id::text AS connector_id, configuration->'source'->>'apiTokenIssuedAt' AS issued_at
    FROM connector_config
   WHERE configuration->'source'->>'kind' = 'zendesk' AND configuration->'source'->>'apiTokenIssuedAt' IS NOT NULL`;

const tokenRow = z
  .object({ connector_id: z.string(), issued_at: z.string() })
  .transform((r) => ({ connectorId: r.connector_id, issuedAt: r.issued_at }));

const RETENTION = `
  SELECT data_type, sum(remaining)::float8 AS remaining, max(swept_at) AS last_swept_at FROM retention_proof GROUP BY data_type`;

const retentionRow = z
  .object({ data_type: z.string(), remaining: z.number(), last_swept_at: z.date() })
  .transform((r) => ({ dataType: r.data_type, remaining: r.remaining, lastSweptAt: r.last_swept_at }));

/** Per connector and event type, so the audit log's (config_id, activity_type) index serves each look-up. */
const LAST_ALERTED_EVENTS = `
  SELECT c.id::text AS connector_id, e.event,
         (SELECT max(a.created_at) FROM connector_activity a WHERE a.config_id = c.id AND a.activity_type = e.event) AS at
    FROM (SELECT id FROM connector_config UNION SELECT $2::uuid) c CROSS JOIN unnest(string_to_array($1::text, ',')) e(event)`;

const lastEventRow = z
  .object({ connector_id: z.string(), event: z.enum(ALERTED_EVENTS), at: z.date().nullable() })
  .transform((r) => (r.at === null ? [] : [{ connectorId: r.connector_id, event: r.event, at: r.at }]));

export function sqlLiveFigures(db: SqlExecutor): LiveFiguresRepository {
  return {
    async read() {
      return {
        approvals: await rowsOf(db, approvalRow, APPROVALS),
        apiUsage: await rowsOf(db, apiUsageRow, API_USAGE, [LONGEST_RATE_WINDOW_SECONDS]),
        freshness: await rowsOf(db, freshnessRow, FRESHNESS),
        failuresInARow: await rowsOf(db, failuresRow, failuresInARow()),
        tokenIssuedAt: await rowsOf(db, tokenRow, TOKEN_ISSUED),
        retention: await rowsOf(db, retentionRow, RETENTION),
        lastAlertedEvents: (await rowsOf(db, lastEventRow, LAST_ALERTED_EVENTS, [ALERTED_EVENTS.join(','), PLATFORM_AUDIT_ID])).flat(),
      };
    },
    async failuresInARowOf(connectorId) {
      const [found] = await rowsOf(db, failuresRow, failuresInARow(' WHERE c.id = $1'), [connectorId]);
      return found?.failures ?? 0;
    },
  };
}
