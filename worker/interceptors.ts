/**
 * The worker's activity interceptors: the boundary where every activity gets what it needs from
 * Temporal, once, instead of each activity doing it (and one forgetting).
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toApplicationFailure } from '../activities/errors';

/**
 * Maps every activity's ConnectorError onto Temporal's failure once, at the boundary: without it
 * Temporal names a thrown error by its class, and the retry policies' non-retryable types
 * (config-error, auth-error, data-error) would never match — a bad config would retry forever.
 */
export const connectorErrorMapping: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        throw toApplicationFailure(error, ctx.info.attempt);
      }
    },
  },
});

/** Heartbeats per heartbeat timeout: one lost or late still leaves two in time. */
const HEARTBEATS_PER_TIMEOUT = 3;

/**
 * Heartbeats on a timer while an activity scheduled with a heartbeat timeout runs, so a worker that
 * dies (SIGKILL, OOM, a lost host) has its activities retried after that timeout rather than after
 * their whole start-to-close timeout. A timer, not calls inside the activities: what must be proven
 * is that the process lives, and the long waits are inside drivers (a warehouse's COPY or MERGE, a
 * page request) that no loop of ours reaches; and an activity added to a proxy with a heartbeat
 * timeout cannot forget to heartbeat and fail every attempt. A process whose event loop is stalled
 * that long is treated as dead, which it is to its callers.
 */
export const activityHeartbeats: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const timeoutMs = ctx.info.heartbeatTimeoutMs ?? 0;
      if (timeoutMs <= 0) return next(input);
      const timer = setInterval(() => ctx.heartbeat(), Math.max(1_000, timeoutMs / HEARTBEATS_PER_TIMEOUT));
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});

export const workerInterceptors = { activity: [connectorErrorMapping, activityHeartbeats] };
