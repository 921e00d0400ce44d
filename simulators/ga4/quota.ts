/**
 * What stands in front of a property's data, as the Data API has it: an access token, the token
 * budgets per hour and per day (spent by every report, reported back with `returnPropertyQuota`),
 * throttles a test switches on, and a log of every request so tests can measure pacing.
 */
import type { RequestRecord } from './wire';

export interface TokenBudgets {
  perDay: number;
  perHour: number;
}

interface Throttle {
  /** Requests still let through before the throttle starts. */
  skip: number;
  left: number;
  retryAfterSeconds: number | null;
}

export type GateVerdict = { kind: 'pass' } | { kind: 'throttled'; message: string; retryAfterSeconds: number | null };

const HOUR_MS = 3_600_000;

export class PropertyGate {
  private throttle: Throttle | null = null;
  /** Tokens spent, with when: the hourly budget is a rolling hour. */
  private readonly spent: { at: number; tokens: number }[] = [];
  private spentToday = 0;
  private readonly log: RequestRecord[] = [];

  constructor(private budgets: TokenBudgets) {}

  throttleNext(times: number, retryAfterSeconds: number | null, after = 0): void {
    this.throttle = { skip: after, left: times, retryAfterSeconds };
  }

  /** Spends the rest of today's tokens: every report is refused until `setBudgets` raises it. */
  exhaustDailyTokens(): void {
    this.spentToday = this.budgets.perDay;
  }

  setBudgets(budgets: Partial<TokenBudgets>): void {
    this.budgets = { ...this.budgets, ...budgets };
  }

  /** Whether this request may run: a test's throttle first, then the budgets, as GA4 words them. */
  admit(now: number): GateVerdict {
    const throttle = this.throttle;
    if (throttle && throttle.skip > 0) throttle.skip -= 1;
    else if (throttle) {
      throttle.left -= 1;
      if (throttle.left <= 0) this.throttle = null;
      return { kind: 'throttled', message: 'Exhausted concurrent requests quota.', retryAfterSeconds: throttle.retryAfterSeconds };
    }
    if (this.spentToday >= this.budgets.perDay) {
      return {
        kind: 'throttled',
        message: 'Exhausted property tokens per day. This quota will refresh in under 24 hours.',
        retryAfterSeconds: null,
      };
    }
    if (this.spentThisHour(now) >= this.budgets.perHour) {
      return {
        kind: 'throttled',
        message: 'Exhausted property tokens per hour. This quota will refresh in under an hour.',
        retryAfterSeconds: null,
      };
    }
    return { kind: 'pass' };
  }

  spend(tokens: number, now: number): void {
    this.spent.push({ at: now, tokens });
    this.spentToday += tokens;
  }

  private spentThisHour(now: number): number {
    while (this.spent.length > 0 && (this.spent[0]?.at ?? now) <= now - HOUR_MS) this.spent.shift();
    return this.spent.reduce((sum, entry) => sum + entry.tokens, 0);
  }

  /** The `propertyQuota` of a response: what this request cost and what remains. */
  quotaStatus(consumed: number, now: number) {
    const status = (remaining: number) => ({ consumed, remaining: Math.max(0, remaining) });
    return {
      tokensPerDay: status(this.budgets.perDay - this.spentToday),
      tokensPerHour: status(this.budgets.perHour - this.spentThisHour(now)),
      concurrentRequests: { consumed: 0, remaining: 10 },
      serverErrorsPerProjectPerHour: { consumed: 0, remaining: 10 },
      potentiallyThresholdedRequestsPerHour: { consumed: 0, remaining: 120 },
    };
  }

  record(entry: RequestRecord): void {
    this.log.push(entry);
  }

  requests(): RequestRecord[] {
    return this.log.map((entry) => ({ ...entry }));
  }
}
