/** The connector the integration suites create through the API, told apart only by its name and what it reads and loads. */
import type { CreateConnectorBody } from '../../domain/connector';

/**
 * An active connector of the marketing team with a schedule, as a team would have one. Yearly:
 * Temporal aligns an interval to the epoch, so an hourly schedule started a cycle at the turn of
 * every hour, beside the one a test had started (a 409, or another cycle in its report).
 */
export function scheduledConnector(
  name: string,
  configuration: Omit<CreateConnectorBody['configuration'], 'schedule'>,
): CreateConnectorBody {
  return { userId: 'marketing-ops', name, status: 'active', configuration: { ...configuration, schedule: { every: '365d' } } };
}
