/**
 * What stands in front of a simulated API: throttles switched on by a test, the service's real
 * per-second limit, and a log of every API request so that tests can measure how a client paced its
 * calls. Shared by the Zendesk and CMS simulators.
 */
export interface LoggedRequest {
  /** Epoch ms when the request arrived. */
  at: number;
  status: number;
}

export type GateVerdict =
  | { kind: 'pass' }
  /** `retryAfterSeconds` null: answer without a Retry-After header. */
  | { kind: 'throttled'; cause: 'on-demand' | 'rate-limit'; retryAfterSeconds: number | null };

const WINDOW_MS = 1_000;

export class RequestGate {
  private onDemand: { skip: number; left: number; retryAfterSeconds: number | null } | null = null;
  /** Arrival times of the requests admitted within the last second. */
  private admitted: number[] = [];
  private readonly log: LoggedRequest[] = [];

  constructor(
    /** Requests per second the service allows; null: no limit. */
    private readonly limitPerSecond: number | null,
  ) {}

  /**
   * After `afterRequests` more requests pass, the next `times` are throttled, with this Retry-After
   * (none when null).
   */
  throttleNext(times: number, retryAfterSeconds: number | null, afterRequests = 0): void {
    this.onDemand = times > 0 ? { skip: afterRequests, left: times, retryAfterSeconds } : null;
  }

  /** Decides one arriving API request. */
  admit(now: number = Date.now()): GateVerdict {
    if (this.onDemand && this.onDemand.skip > 0) {
      this.onDemand.skip -= 1;
    } else if (this.onDemand) {
      const { retryAfterSeconds } = this.onDemand;
      this.onDemand.left -= 1;
      if (this.onDemand.left <= 0) this.onDemand = null;
      return { kind: 'throttled', cause: 'on-demand', retryAfterSeconds };
    }
    this.admitted = this.admitted.filter((at) => at > now - WINDOW_MS);
    if (this.limitPerSecond !== null && this.admitted.length >= this.limitPerSecond) {
      return { kind: 'throttled', cause: 'rate-limit', retryAfterSeconds: 1 };
    }
    this.admitted.push(now);
    return { kind: 'pass' };
  }

  /** API requests that arrived since `since` (epoch ms), throttled ones included. */
  countSince(since: number): number {
    let count = 0;
    for (let i = this.log.length - 1; i >= 0 && (this.log[i]?.at ?? 0) >= since; i -= 1) count += 1;
    return count;
  }

  record(request: LoggedRequest): void {
    this.log.push(request);
  }

  requests(): LoggedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }
}
