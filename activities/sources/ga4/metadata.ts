/**
 * The property's metadata (getMetadata): the dimensions and metrics its reports may ask for, custom
 * definitions included. A connector's reports are checked against it when the connector is created
 * or changed, so an unknown field is a 400 naming it rather than a failed first cycle.
 */
import { z } from 'zod';
import type { Ga4SourceConfig } from './definition';
import { ConnectorError } from '../../errors';
import { untilAborted } from '../abort';
import { parseBody, type HttpCall } from '../http-kit';
import type { RefusedChoice } from '../types';
import { ga4Client } from './client';
import { ga4Failure } from './failures';

const named = z.array(z.object({ apiName: z.string() })).nullish();
const metadataSchema = z.object({ dimensions: named, metrics: named });

export interface PropertyFields {
  dimensions: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

const METADATA: HttpCall = { service: 'GA4', action: 'the property metadata' };

export async function propertyFields(config: Ga4SourceConfig, signal: AbortSignal): Promise<PropertyFields> {
  let answer: readonly unknown[];
  try {
    const client = await untilAborted(ga4Client(config), signal);
    answer = await untilAborted(client.getMetadata({ name: `properties/${config.propertyId}/metadata` }), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const failure = ga4Failure(error, config.propertyId);
    throw failure instanceof ConnectorError ? failure : new ConnectorError('rate-limited', failure.stop.detail);
  }
  const metadata = parseBody(metadataSchema, answer[0], METADATA);
  return {
    dimensions: new Set((metadata.dimensions ?? []).map((d) => d.apiName)),
    metrics: new Set((metadata.metrics ?? []).map((m) => m.apiName)),
  };
}

/** Each dimension and metric of the connector's reports the property does not have. */
export function unknownReportFields(config: Ga4SourceConfig, fields: PropertyFields): RefusedChoice[] {
  const refused = (kind: 'dimension' | 'metric', known: ReadonlySet<string>) => (name: string, index: number, reportIndex: number) =>
    known.has(name)
      ? []
      : [
          {
            path: ['reports', reportIndex, `${kind}s`, index],
            message: `GA4 property ${config.propertyId} has no ${kind} ${name}; its ${kind}s: ${[...known].sort().join(', ')}`,
          },
        ];
  const dimension = refused('dimension', fields.dimensions);
  const metric = refused('metric', fields.metrics);
  return config.reports.flatMap((report, r) => [
    ...report.dimensions.flatMap((name, i) => dimension(name, i, r)),
    ...report.metrics.flatMap((name, i) => metric(name, i, r)),
  ]);
}
