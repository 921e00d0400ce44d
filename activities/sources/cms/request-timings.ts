/**
 * FR-4 wants each content-view query answered within 500 ms. Every request the plug-in makes is
 * timed; a slow one is logged and counted here, per worker process, for the extract activity (and
 * metrics) to report.
 */
import { logger } from '../../logger';

/** FR-4: a content-view query should be answered within this. */
export const CMS_REQUEST_TARGET_MS = 500;

export interface RequestTimingFigures {
  /** The target each request is judged against. */
  targetMs: number;
  requests: number;
  /** Requests that took longer than the target. */
  slow: number;
  slowestMs: number;
}

export class RequestTimings {
  private figures: RequestTimingFigures;

  constructor(private readonly targetMs: number) {
    this.figures = RequestTimings.empty(targetMs);
  }

  private static empty(targetMs: number): RequestTimingFigures {
    return { targetMs, requests: 0, slow: 0, slowestMs: 0 };
  }

  /** Counts one request; true when it missed the target. `what` names it in the log, no data. */
  record(durationMs: number, what: Readonly<Record<string, string | number>>): boolean {
    const slow = durationMs > this.targetMs;
    const figures = this.figures;
    this.figures = {
      targetMs: this.targetMs,
      requests: figures.requests + 1,
      slow: figures.slow + (slow ? 1 : 0),
      slowestMs: Math.max(figures.slowestMs, durationMs),
    };
    if (slow) logger.warn({ ...what, durationMs, targetMs: this.targetMs }, 'CMS GraphQL request slower than its target');
    return slow;
  }

  snapshot(): RequestTimingFigures {
    return { ...this.figures };
  }

  /** Returns the figures so far and starts counting afresh, e.g. once per reporting interval. */
  drain(): RequestTimingFigures {
    const figures = this.snapshot();
    this.figures = RequestTimings.empty(this.targetMs);
    return figures;
  }
}

/** This process's figures for every CMS connector. */
export const cmsRequestTimings = new RequestTimings(CMS_REQUEST_TARGET_MS);
