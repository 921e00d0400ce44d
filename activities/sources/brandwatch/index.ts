/**
 * The Brandwatch source over plain HTTP: mentions of the connector's queries, ordered by `added`,
 * paged with Brandwatch's cursor. A page is one request, plus the token request when the worker has
 * no token for the account yet (or Brandwatch stopped accepting it).
 */
import type { StreamCursor } from '../../../domain/cycle';
import { brandwatchStreams, type BrandwatchSourceConfig } from './definition';
import { streamNamed, type PageRequest, type Row, type SourcePage, type SourcePlugin } from '../types';
import { parseBody, type HttpCall } from '../http-kit';
import { brandwatchFailure, rateLimitUsage, request, type BrandwatchResponse } from './http';
import { firstMentionsPage, mentionsResponseSchema, mentionsUrl, parseMentionsPageToken, type MentionsPageToken } from './mentions';
import { projectQueries, queriesCall, queriesUrl, queryCatalog, unknownQueryIds, type ProjectQuery } from './queries';
import { mapMention } from './rows';
import { cachedToken, forgetToken, requestToken } from './token';

/** GET with a token; a refused cached token is replaced once, as it may have been revoked or expired. */
async function getWithToken(
  config: BrandwatchSourceConfig,
  url: URL,
  call: HttpCall,
  signal: AbortSignal,
): Promise<{ response: BrandwatchResponse; apiCalls: number }> {
  const cached = cachedToken(config);
  let apiCalls = 0;
  const attempt = async (token: string): Promise<BrandwatchResponse> => {
    apiCalls += 1;
    return request(url, { headers: { Authorization: `bearer ${token}`, Accept: 'application/json' } }, call, signal);
  };
  const login = async (): Promise<string> => {
    apiCalls += 1;
    return requestToken(config, signal);
  };
  let response = await attempt(cached ?? (await login()));
  if (response.status === 401 && cached) {
    forgetToken(config);
    response = await attempt(await login());
  }
  return { response, apiCalls };
}

async function listQueries(config: BrandwatchSourceConfig, signal: AbortSignal): Promise<ProjectQuery[]> {
  const call = queriesCall(config);
  const { response } = await getWithToken(config, queriesUrl(config), call, signal);
  return projectQueries(response, call);
}

/** (added, resource id) order, the stream's cursor order; rows missing either sort first. */
function compareMentions(a: Row, b: Row): number {
  const key = (row: Row): string =>
    typeof row.added === 'string' && typeof row.resource_id === 'string' ? `${row.added}\u0000${row.resource_id}` : '';
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const positionOf = (row: Row): StreamCursor | null =>
  typeof row.added === 'string' && typeof row.resource_id === 'string' && !Number.isNaN(Date.parse(row.added))
    ? { value: row.added, lastKey: row.resource_id }
    : null;

/** Strictly after the cursor the read started from; a row without a position is kept for the gate to judge. */
function isNew(row: Row, after: StreamCursor | null): boolean {
  const at = positionOf(row);
  if (!after || !at) return true;
  const [rowTime, afterTime] = [Date.parse(at.value), Date.parse(after.value)];
  return rowTime > afterTime || (rowTime === afterTime && at.lastKey > after.lastKey);
}

async function readMentions(config: BrandwatchSourceConfig, request: PageRequest, signal: AbortSignal): Promise<SourcePage> {
  const page: MentionsPageToken = request.pageToken
    ? parseMentionsPageToken(request.pageToken)
    : firstMentionsPage(config, request.cursor, new Date());
  const call: HttpCall = { service: 'Brandwatch', action: `the mentions request of project ${config.projectId}` };
  const { response, apiCalls } = await getWithToken(config, mentionsUrl(config, page), call, signal);
  if (response.status !== 200) throw brandwatchFailure(response, call);
  const { results, nextCursor } = parseBody(mentionsResponseSchema, response.body, call);
  const rows = results
    .map((mention) => mapMention(mention, config))
    .filter((row) => isNew(row, page.after))
    .sort(compareMentions);
  const more = results.length > 0 && typeof nextCursor === 'string' && nextCursor.length > 0;
  const nextPageToken = more ? JSON.stringify({ ...page, cursor: nextCursor }) : null;
  const last = rows
    .map(positionOf)
    .filter((p): p is StreamCursor => p !== null)
    .at(-1);
  const usage = rateLimitUsage(response.headers);
  return { rows, apiCalls, nextPageToken, ...(last ? { checkpoint: last } : {}), ...(usage ? { usage } : {}) };
}

export const brandwatchSource: SourcePlugin<BrandwatchSourceConfig> = {
  kind: 'brandwatch',
  streams: brandwatchStreams,
  async readPage(config, stream, pageRequest, signal) {
    signal.throwIfAborted();
    streamNamed(brandwatchStreams, stream, 'Brandwatch');
    return readMentions(config, pageRequest, signal);
  },
  async refusedChoices(config, { signal }) {
    return unknownQueryIds(config, await listQueries(config, signal));
  },
  async discover(config, { signal }) {
    return queryCatalog(config, await listQueries(config, signal), new Date());
  },
};
