/**
 * Who may read what through POST /api/v1/warehouse/query, by the spec's personas: a campaign lead
 * (and a manager) the models only; a creative analyst the models and the stream tables of their own
 * connectors; a data scientist or an admin every table. And which destination a query runs on.
 */
import { MODEL_TABLES } from '../activities/models';
import type { Store } from '../activities/store/store';
import type { TableRead } from '../activities/warehouses/statement-reads';
import { ALL_TABLE_READERS, OWN_CONNECTORS_ONLY } from '../domain/access';
import type { Connector } from '../domain/connector';
import { connectorStream } from '../domain/sources';
import type { Principal } from './auth/principal';
import { forbidden, notFound } from './errors';
import { requireConnector } from './load-connector';
import { visibleConnectors } from './visible-connectors';
import { invalidRequest } from './validation';

const destinationKey = (connector: Connector): string => JSON.stringify(connector.configuration.destination);

/**
 * The connector whose destination the query runs on: the one named, or, when every connector the
 * caller sees writes to one destination, any of them.
 */
export async function queriedConnector(
  store: Pick<Store, 'connectors'>,
  principal: Principal,
  connectorId: string | undefined,
): Promise<Connector> {
  if (connectorId !== undefined) {
    const connector = await requireConnector(store, connectorId);
    if (OWN_CONNECTORS_ONLY.includes(principal.role) && connector.userId !== principal.subject) {
      throw forbidden(`connector ${connectorId} is not yours: the ${principal.role} role queries its own connectors' destinations only`);
    }
    return connector;
  }
  const visible = await visibleConnectors(store, principal);
  const destinations = new Set(visible.map(destinationKey));
  const [first] = visible;
  if (!first) throw notFound('there is no connector whose destination could be queried');
  if (destinations.size > 1) {
    throw invalidRequest('body', [
      {
        path: 'connectorId',
        rule: 'required',
        message: `required: the connectors you see write to ${destinations.size} destinations; name the connector whose destination to query`,
      },
    ]);
  }
  return first;
}

/** The tables of the destination's schema the caller may read; null: every table. */
export async function readableTables(
  store: Pick<Store, 'connectors'>,
  principal: Principal,
  destination: Connector,
): Promise<ReadonlySet<string> | null> {
  if (ALL_TABLE_READERS.includes(principal.role)) return null;
  const tables = new Set(MODEL_TABLES);
  if (OWN_CONNECTORS_ONLY.includes(principal.role)) {
    const own = (await visibleConnectors(store, principal)).filter((c) => destinationKey(c) === destinationKey(destination));
    for (const { configuration } of own) {
      for (const stream of configuration.source.streams) tables.add(connectorStream(configuration.source, stream).table);
    }
  }
  return tables;
}

/** Refuses with 403 naming the first table the caller may not read. */
export function checkReads(reads: readonly TableRead[], readable: ReadonlySet<string> | null, schema: string, principal: Principal): void {
  if (readable === null) return;
  const denied = reads.find((read) => (read.schema !== '' && read.schema !== schema.toLowerCase()) || !readable.has(read.table));
  if (!denied) return;
  const name = `${denied.schema || schema}.${denied.table}`;
  const what = OWN_CONNECTORS_ONLY.includes(principal.role) ? "the models and your own connectors' tables" : 'the models';
  throw forbidden(`the ${principal.role} role may not read ${name}: it reads ${what} only (${[...readable].sort().join(', ')})`);
}
