/**
 * The mentions request. Brandwatch filters by publication `date` but the stream follows `added`, so a
 * read asks from `lateArrivalDays` before the cursor and drops what the cursor already covers. The
 * page token pins the read's date range and start so that every page asks the same question.
 */
import { z } from 'zod';
import { streamCursorSchema, type StreamCursor } from '../../../domain/cycle';
import type { BrandwatchSourceConfig } from './definition';
import { DAY_MS, parsePageToken, restartAt } from '../read-window';

export const mentionsPageTokenSchema = z.object({
  startDate: z.iso.datetime(),
  endDate: z.iso.datetime(),
  /** Brandwatch's nextCursor; null on a read's first page. */
  cursor: z.string().min(1).nullable(),
  /** The cursor the read started after: mentions at or before it were loaded already. */
  after: streamCursorSchema.nullable(),
});
export type MentionsPageToken = z.infer<typeof mentionsPageTokenSchema>;

export function firstMentionsPage(config: BrandwatchSourceConfig, cursor: StreamCursor | null, now: Date): MentionsPageToken {
  const endDate = now.toISOString();
  if (!cursor)
    return { startDate: new Date(now.getTime() - config.backfillDays * DAY_MS).toISOString(), endDate, cursor: null, after: null };
  const unreadable = 'the stored cursor of Brandwatch stream mentions is not a timestamp';
  const start = restartAt(Date.parse(cursor.value), config.lateArrivalDays, now, unreadable);
  return { startDate: new Date(start).toISOString(), endDate, cursor: null, after: cursor };
}

export function parseMentionsPageToken(token: string): MentionsPageToken {
  return parsePageToken(mentionsPageTokenSchema, token, 'Brandwatch');
}

/** Brandwatch writes offsets without a colon: 2024-05-01T12:00:00.000+0000. */
const brandwatchTime = (iso: string): string => iso.replace(/Z$/, '+0000');

export function mentionsUrl(config: BrandwatchSourceConfig, page: MentionsPageToken): URL {
  const url = new URL(`/projects/${config.projectId}/data/mentions`, config.apiUrl);
  const params = new URLSearchParams();
  for (const queryId of config.queryIds) params.append('queryId', String(queryId));
  params.set('startDate', brandwatchTime(page.startDate));
  params.set('endDate', brandwatchTime(page.endDate));
  params.set('pageSize', String(config.pageSize));
  params.set('orderBy', 'added');
  params.set('orderDirection', 'asc');
  if (page.cursor) params.set('cursor', page.cursor);
  url.search = params.toString();
  return url;
}

export const mentionsResponseSchema = z.object({
  results: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().nullish(),
  resultsTotal: z.number().nullish(),
});
