/**
 * Every Temporal call the API makes runs under a deadline, so a down server costs a client seconds,
 * not the gRPC retry budget, and comes back as a 503 instead of a hang or a 500.
 */
import { isGrpcCancelledError, isGrpcDeadlineError, isGrpcServiceError, type Client } from '@temporalio/client';
import { temporalUnavailable } from './errors';

export const TEMPORAL_CALL_TIMEOUT_MS = 10_000;

/** A query needs a worker: when none answers this fast, the caller shows what it has without it. */
export const LIVE_QUERY_TIMEOUT_MS = 3_000;

/** gRPC's status code UNAVAILABLE: no connection to the server. */
const GRPC_UNAVAILABLE = 14;

export async function callTemporal<R>(client: Client, action: string, call: () => Promise<R>): Promise<R> {
  try {
    return await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, call);
  } catch (error) {
    if (isTemporalUnreachable(error)) throw temporalUnavailable(action);
    throw error;
  }
}

/**
 * No answer from Temporal: no connection (UNAVAILABLE), or none within the call's deadline. Anything
 * else Temporal answers (not found, already started, invalid argument, a failed workflow) is its
 * answer, for the caller to map; it is never taken for Temporal being down.
 */
export function isTemporalUnreachable(error: unknown): boolean {
  // A deadline passing shows as DEADLINE_EXCEEDED locally, or as CANCELLED when the server saw it first.
  if (isGrpcDeadlineError(error) || isGrpcCancelledError(error)) return true;
  // The SDK wraps the gRPC error (ServiceError and its kin carry it as their cause).
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && cause.code === GRPC_UNAVAILABLE) return true;
  }
  return false;
}

/** A workflow query under LIVE_QUERY_TIMEOUT_MS; null when no worker answered in time. */
export async function queryLive<R>(client: Client, query: () => Promise<R>): Promise<R | null> {
  try {
    return await client.withDeadline(Date.now() + LIVE_QUERY_TIMEOUT_MS, query);
  } catch (error) {
    // The server answers a query whose deadline passed while waiting for a worker with CANCELLED.
    if (isGrpcDeadlineError(error) || isGrpcCancelledError(error)) return null;
    throw error;
  }
}
