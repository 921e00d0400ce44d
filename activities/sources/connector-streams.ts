/**
 * A stream as one connector reads it. A source whose fields come from the account (Salesforce's
 * describe, the CMS schema's types of a query of one's own) is read, validated, measured and loaded
 * by the catalog its cycle's plan discovered and stored, so every activity of a cycle sees the same
 * columns and a field the account gained (or retyped) since the last load reaches the schema-change
 * guardrail. Any other source, and one whose catalog was never
 * stored, by its fixed (or config-derived) stream.
 */
import type { CatalogStream } from '../../domain/catalog';
import type { SourceConfig } from '../../domain/connector';
import { connectorStreams } from '../../domain/sources';
import type { StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import type { SourceCatalogRepository } from '../store/source-catalogs';
import { cmsStreamFrom, type CmsSourceConfig } from './cms/definition';
import { isPreset } from './cms/query';
import type { SalesforceSourceConfig } from './salesforce/definition';
import { salesforceStreamFrom } from './salesforce/streams';
import type { DiscoverContext, SourcePlugin } from './types';

export interface ConnectorStream {
  stream: StreamDefinition;
  /** The catalog entry it was made from; absent for a fixed stream. */
  catalogStream?: CatalogStream;
}

/** The sources each cycle reads by the catalog its plan discovers: their fields are the account's (a CMS query's, its schema's). */
export function readsByCatalog(source: SourceConfig): source is SalesforceSourceConfig | CmsSourceConfig {
  return source.kind === 'salesforce' || (source.kind === 'cms' && !isPreset(source.query));
}

const streamFromCatalog = (source: SalesforceSourceConfig | CmsSourceConfig, entry: CatalogStream): StreamDefinition =>
  source.kind === 'salesforce' ? salesforceStreamFrom(source, entry) : cmsStreamFrom(source, entry.fields);

/** One of the connector's streams, by name: from its stored catalog where the source reads by one. */
export async function connectorStream(
  catalogs: Pick<SourceCatalogRepository, 'get'>,
  connectorId: string,
  source: SourceConfig,
  name: string,
): Promise<ConnectorStream> {
  if (readsByCatalog(source)) {
    const entry = (await catalogs.get(connectorId))?.streams.find((stream) => stream.name === name);
    if (entry) return { stream: streamFromCatalog(source, entry), catalogStream: entry };
  }
  const streams = connectorStreams(source);
  const stream = Object.hasOwn(streams, name) ? streams[name] : undefined;
  if (!stream) throw new ConnectorError('config', `this ${source.kind} connector has no stream ${name}`);
  return { stream };
}

/**
 * Asks the account for its catalog and stores it for the cycle's activities; nothing for a source
 * with fixed streams. Only the cycle holding the connector calls it, so no other cycle's columns
 * change under it.
 */
export async function refreshCatalog(
  catalogs: Pick<SourceCatalogRepository, 'save'>,
  connectorId: string,
  plugin: SourcePlugin,
  source: SourceConfig,
  ctx: DiscoverContext,
): Promise<void> {
  if (!readsByCatalog(source) || !plugin.discover) return;
  await catalogs.save(connectorId, await plugin.discover(source, ctx));
}
