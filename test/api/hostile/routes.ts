/** Every route the app serves, by family, with where it takes input. */
import { connectorRoutes } from './connector-routes';
import { platformRoutes } from './platform-routes';
import { readRoutes } from './read-routes';
import type { CorpusTargets, RouteInput } from './route-input';

export const hostileCorpus = (targets: CorpusTargets): Record<string, RouteInput> => ({
  ...platformRoutes(targets),
  ...connectorRoutes(targets),
  ...readRoutes(targets),
});
