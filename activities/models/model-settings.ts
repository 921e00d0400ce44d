/**
 * The settings a destination's models follow, from the connectors that load into it: each
 * Salesforce connector's active rule for contacts and leads, as its org's catalog holds the field
 * (a stock org's default rule is none: everyone is active). Two connectors loading one table with
 * different rules both hold: a person is in the models only when every rule lets them in.
 */
import type { Connector, DestinationConfig } from '../../domain/connector';
import type { ActiveRule } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import { connectorStream, readsByCatalog } from '../sources/connector-streams';
import type { SourceCatalogRepository } from '../store/source-catalogs';
import { defaultModelSettings, streamsReadByModels } from './refresh';
import type { ModelSettings } from './types';

export async function modelSettingsOf(
  catalogs: Pick<SourceCatalogRepository, 'get'>,
  connectors: readonly Connector[],
  destination: DestinationConfig,
): Promise<ModelSettings> {
  const loading = connectors.filter(
    (connector) =>
      readsByCatalog(connector.configuration.source) && JSON.stringify(connector.configuration.destination) === JSON.stringify(destination),
  );
  if (loading.length === 0) return defaultModelSettings();
  const personStreams = streamsReadByModels().filter((stream) => stream.activeRule !== undefined);
  const activeRules: Record<string, ActiveRule[]> = Object.fromEntries(personStreams.map((stream) => [stream.table, []]));
  for (const connector of loading) {
    for (const { name } of personStreams) {
      const rule = await activeRuleOfConnector(catalogs, connector, name);
      const rules = rule ? activeRules[rule.table] : undefined;
      if (rule && rules && !rules.some((held) => held.column === rule.column && held.equals === rule.equals))
        rules.push({ column: rule.column, equals: rule.equals });
    }
  }
  return { activeRules };
}

/**
 * The connector's rule for one stream and the table it holds; none for a connector whose rule names
 * a field its org lacks: its own cycles fail saying so and load nothing, and no refresh (an
 * erasure's among them) should fail for it.
 */
async function activeRuleOfConnector(
  catalogs: Pick<SourceCatalogRepository, 'get'>,
  connector: Connector,
  name: string,
): Promise<(ActiveRule & { table: string }) | null> {
  try {
    const { stream } = await connectorStream(catalogs, connector.id, connector.configuration.source, name);
    return stream.activeRule ? { ...stream.activeRule, table: stream.table } : null;
  } catch (error) {
    if (error instanceof ConnectorError && error.category === 'config') return null;
    throw error;
  }
}
