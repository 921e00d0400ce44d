/** Durations as people write them in configs: `30s`, `15m`, `24h`, `7d`. Workflow-safe. */
import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9]\d*)(s|m|h|d)$/;

export const durationString = z.string().regex(DURATION, 'must be a whole number followed by s, m, h or d, e.g. 15m');

/** `15m` → 900000. */
export function durationToMs(duration: string): number {
  const match = DURATION.exec(duration);
  const unit = match?.[2];
  if (!match || (unit !== 's' && unit !== 'm' && unit !== 'h' && unit !== 'd')) throw new Error(`invalid duration ${duration}`);
  return Number(match[1]) * UNIT_MS[unit];
}
