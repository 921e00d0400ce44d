/**
 * Brandwatch's rate limit (30 requests per rolling 10 minutes per client, 429 without Retry-After
 * past it), throttles a test switches on, and a log of every request so that tests can measure how a
 * client paced its calls.
 */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface RequestRecord {
  /** Epoch ms when the request arrived. */
  at: number;
  endpoint: 'token' | 'mentions' | 'queries' | 'unknown';
  status: number;
}

export type Admission = { kind: 'pass'; used: number } | { kind: 'throttled'; used: number; retryAfterSeconds: number | null };

export class RequestLimiter {
  private readonly admitted: number[] = [];
  private throttle: { skip: number; left: number; retryAfterSeconds: number | null } | null = null;
  private readonly log: RequestRecord[] = [];

  constructor(readonly limit: RateLimit) {}

  throttleNext(times: number, retryAfterSeconds: number | null, after = 0): void {
    this.throttle = { skip: after, left: times, retryAfterSeconds };
  }

  /** Refused requests do not count against the window; admitted ones do, for `windowMs`. */
  admit(now: number): Admission {
    while (this.admitted.length > 0 && (this.admitted[0] ?? now) <= now - this.limit.windowMs) this.admitted.shift();
    const throttle = this.throttle;
    if (throttle && throttle.skip > 0) throttle.skip -= 1;
    else if (throttle) {
      throttle.left -= 1;
      if (throttle.left <= 0) this.throttle = null;
      return { kind: 'throttled', used: this.admitted.length, retryAfterSeconds: throttle.retryAfterSeconds };
    }
    if (this.admitted.length >= this.limit.requests) return { kind: 'throttled', used: this.admitted.length, retryAfterSeconds: null };
    this.admitted.push(now);
    return { kind: 'pass', used: this.admitted.length };
  }

  /** `30/10m`, as the x-rate-limit header writes it. */
  describe(): string {
    const minutes = this.limit.windowMs / 60_000;
    return Number.isInteger(minutes)
      ? `${this.limit.requests}/${minutes}m`
      : `${this.limit.requests}/${Math.round(this.limit.windowMs / 1000)}s`;
  }

  record(entry: RequestRecord): void {
    this.log.push(entry);
  }

  requests(): RequestRecord[] {
    return this.log.map((entry) => ({ ...entry }));
  }
}
