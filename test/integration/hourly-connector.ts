/** The connector the integration suites create through the API, told apart only by its name and what it reads and loads. */
import type { CreateConnectorBody } from '../../domain/connector';

/** An active connector of the marketing team whose schedule starts a cycle every hour. */
export function hourlyConnector(name: string, configuration: Omit<CreateConnectorBody['configuration'], 'schedule'>): CreateConnectorBody {
  return { userId: 'marketing-ops', name, status: 'active', configuration: { ...configuration, schedule: { every: '1h' } } };
}
