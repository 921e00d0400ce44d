/** Every source plug-in by kind: the compiler reports a kind without one. */
import type { SourceKind } from '../../domain/connector';
import { salesforceSource } from './salesforce';
import type { SourcePlugin } from './types';

export const sourcePlugins: Record<SourceKind, SourcePlugin> = {
  salesforce: salesforceSource,
};
