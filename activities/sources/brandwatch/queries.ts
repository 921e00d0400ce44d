/**
 * The project's queries, as Brandwatch lists them (`queries/summary`): discovery offers each as a
 * stream, a connector chooses queries by id, and an id outside the project is refused when the
 * connector is created, not on its first cycle.
 */
import { z } from 'zod';
import { catalogStreamOf, type SourceCatalog } from '../../../domain/catalog';
import { brandwatchStreams, type BrandwatchSourceConfig } from './definition';
import { parseBody, type HttpCall } from '../http-kit';
import type { RefusedChoice } from '../types';
import { brandwatchFailure, type BrandwatchResponse } from './http';

const queriesResponseSchema = z.object({
  results: z.array(z.object({ id: z.number().int(), name: z.string() })),
});
export type ProjectQuery = z.infer<typeof queriesResponseSchema>['results'][number];

/** One page holds every query: Brandwatch caps a project's queries well below this page size. */
const QUERIES_PAGE_SIZE = 500;

export function queriesUrl(config: BrandwatchSourceConfig): URL {
  const url = new URL(`/projects/${config.projectId}/queries/summary`, config.apiUrl);
  url.searchParams.set('pageSize', String(QUERIES_PAGE_SIZE));
  return url;
}

export const queriesCall = (config: BrandwatchSourceConfig): HttpCall => ({
  service: 'Brandwatch',
  action: `the query list of project ${config.projectId}`,
});

export function projectQueries(response: BrandwatchResponse, call: HttpCall): ProjectQuery[] {
  if (response.status !== 200) throw brandwatchFailure(response, call);
  return parseBody(queriesResponseSchema, response.body, call).results;
}

/** Each chosen id the project does not have, naming the ones it has. */
export function unknownQueryIds(config: BrandwatchSourceConfig, queries: readonly ProjectQuery[]): RefusedChoice[] {
  const known = new Set(queries.map((q) => q.id));
  const offered = queries.map((q) => `${q.id} (${q.name})`).join(', ') || 'none';
  return config.queryIds.flatMap((id, index) =>
    known.has(id)
      ? []
      : [{ path: ['queryIds', index], message: `project ${config.projectId} has no query ${id}; its queries: ${offered}` }],
  );
}

/**
 * The project's queries as the account's catalog: one stream of mentions per query, named by its id
 * as `queryIds` chooses it, the query's name as the source's; the connector's own queries selected.
 */
export function queryCatalog(config: BrandwatchSourceConfig, queries: readonly ProjectQuery[], now: Date): SourceCatalog {
  return {
    source: 'brandwatch',
    discoveredAt: now.toISOString(),
    streams: queries.map((query) => ({
      ...catalogStreamOf(brandwatchStreams.mentions, query.name, config.queryIds.includes(query.id)),
      name: String(query.id),
    })),
  };
}
