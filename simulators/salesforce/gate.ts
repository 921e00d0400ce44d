/**
 * What stands in front of the data: sessions, the org's daily API quota, throttles switched on by a
 * test, and a log of every request so that tests can measure how a client paced its calls.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const ENDPOINTS = [
  'token',
  'query',
  'queryAll',
  'queryMore',
  'limits',
  'describe',
  'bulkJob',
  'bulkResults',
  'admin',
  'unknown',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Statuses a real org (or its load balancer) answers when it wants a client to slow down. */
export const THROTTLE_STATUSES = [403, 420, 429, 500, 502, 503, 504] as const;

export const throttleSpecSchema = z.object({
  status: z.literal(THROTTLE_STATUSES),
  /** How many requests in a row get the throttle answer. */
  times: z.number().int().min(1),
  /** Sent as Retry-After when given. */
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** Requests to let through before the throttle starts. */
  after: z.number().int().min(0).default(0),
  /** Only requests to these endpoints are let through or throttled (e.g. a query job's); absent: every data request. */
  endpoints: z.array(z.enum(ENDPOINTS)).min(1).optional(),
  errorCode: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
});
export type ThrottleSpec = z.input<typeof throttleSpecSchema>;
export type ActiveThrottle = z.output<typeof throttleSpecSchema>;

export const quotaSchema = z.object({
  used: z.number().int().min(0).optional(),
  max: z.number().int().min(1).optional(),
});
export interface Quota {
  used: number;
  max: number;
}

export interface LoggedRequest {
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  endpoint: Endpoint;
  path: string;
  status: number;
  /** The SOQL text of query and queryAll requests. */
  soql?: string;
}

export class ApiGate {
  private throttleState: { spec: ActiveThrottle; skip: number; left: number } | null = null;
  private readonly tokens = new Set<string>();
  private readonly log: LoggedRequest[] = [];

  constructor(
    private quotaState: Quota,
    /** Always accepted, for connectors configured with an access token. */
    private readonly staticToken: string,
  ) {}

  issueToken(): string {
    const token = `00DSIM!${randomBytes(24).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  isValidToken(token: string): boolean {
    return token === this.staticToken || this.tokens.has(token);
  }

  /** Ends every OAuth session, as an admin revoking them would; the static token keeps working. */
  expireSessions(): void {
    this.tokens.clear();
  }

  throttle(spec: ThrottleSpec): void {
    const parsed = throttleSpecSchema.parse(spec);
    this.throttleState = { spec: parsed, skip: parsed.after, left: parsed.times };
  }

  clearThrottle(): void {
    this.throttleState = null;
  }

  /** The throttle this request must get, if any; consumes one use of it. */
  takeThrottle(endpoint: Endpoint): ActiveThrottle | null {
    const state = this.throttleState;
    if (!state || (state.spec.endpoints && !state.spec.endpoints.includes(endpoint))) return null;
    if (state.skip > 0) {
      state.skip -= 1;
      return null;
    }
    state.left -= 1;
    if (state.left <= 0) this.throttleState = null;
    return state.spec;
  }

  setQuota(quota: z.input<typeof quotaSchema>): Quota {
    const parsed = quotaSchema.parse(quota);
    this.quotaState = { used: parsed.used ?? this.quotaState.used, max: parsed.max ?? this.quotaState.max };
    return this.quota();
  }

  quota(): Quota {
    return { ...this.quotaState };
  }

  /** Counts one API call against the daily quota; false when the quota is already spent. */
  spendApiCall(): boolean {
    if (this.quotaState.used >= this.quotaState.max) return false;
    this.quotaState.used += 1;
    return true;
  }

  record(request: LoggedRequest): void {
    this.log.push(request);
  }

  requests(endpoint?: Endpoint): LoggedRequest[] {
    return this.log.filter((r) => !endpoint || r.endpoint === endpoint).map((r) => ({ ...r }));
  }

  clearRequests(): void {
    this.log.length = 0;
  }
}
