/**
 * The time window a polling read covers, and the page token that carries it from page to page:
 * what Brandwatch's mentions and GA4's daily reports share.
 */
import type { z } from 'zod';
import { ConnectorError } from '../errors';

export const DAY_MS = 86_400_000;

/**
 * Where a read after a stored cursor starts: `overlapDays` before it (the source revises or adds
 * late records; re-read ones merge by key), never after now. `at` is the cursor as epoch
 * milliseconds, NaN when unreadable, which `unreadable` then names.
 */
export function restartAt(at: number, overlapDays: number, now: Date, unreadable: string): number {
  if (Number.isNaN(at)) throw new ConnectorError('config', unreadable, "reset the stream's cursor to re-read it from the backfill window");
  return Math.min(at - overlapDays * DAY_MS, now.getTime());
}

/** A page token this plug-in wrote for its next page; one it cannot read is a bug (`system`). */
export function parsePageToken<Schema extends z.ZodType>(schema: Schema, token: string, source: string): z.output<Schema> {
  const parsed = schema.safeParse(JSON.parse(token));
  if (!parsed.success)
    throw new ConnectorError('system', `a ${source} page token is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
