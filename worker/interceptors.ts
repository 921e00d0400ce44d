/**
 * Maps every activity's ConnectorError onto Temporal's failure once, at the boundary: without it
 * Temporal names a thrown error by its class, and the retry policies' non-retryable types
 * (config-error, auth-error, data-error) would never match — a bad config would retry forever.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { toApplicationFailure } from '../activities/errors';

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

export const workerInterceptors = { activity: [connectorErrorMapping] };
