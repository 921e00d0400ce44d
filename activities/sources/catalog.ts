/**
 * A connector's catalog, from its plug-in: the account's own (discover) where the plug-in asks the
 * account, else the plug-in's fixed streams, every one selected by default.
 */
import { catalogStreamOf, type SourceCatalog } from '../../domain/catalog';
import type { SourceConfig } from '../../domain/connector';
import type { DiscoverContext, SourcePlugin } from './types';

export async function discoverCatalog<C extends SourceConfig>(
  plugin: SourcePlugin<C>,
  config: C,
  ctx: DiscoverContext,
  now: () => Date = () => new Date(),
): Promise<SourceCatalog> {
  if (plugin.discover) return plugin.discover(config, ctx);
  return {
    source: plugin.kind,
    discoveredAt: now().toISOString(),
    streams: Object.values(plugin.streams).map((stream) => catalogStreamOf(stream)),
  };
}
