/**
 * Pages are staged one per activity (one API request each); a batch for the quality gate and the
 * load gathers several. Combining keeps the last version of a row read twice (a record updated
 * while the read was paging), so a batch never fails the uniqueness expectation on its own reread.
 */
import type { SourceKind } from '../domain/connector';
import type { BatchRef } from '../domain/cycle';
import { connectorOrFail } from './chores';
import { connectorStream } from './sources/connector-streams';
import type { Row } from './sources/types';
import type { Staging } from './staging/staging';
import type { Store } from './store/store';

export interface BatchActivityDeps {
  staging: Staging;
  /** The connector's config says what its streams are (GA4: the reports it chooses), or its stored catalog (Salesforce). */
  store: Pick<Store, 'connectors' | 'sourceCatalogs'>;
}

export function createBatchActivities(deps: BatchActivityDeps) {
  return {
    async combinePages(input: { connectorId: string; source: SourceKind; pages: BatchRef[] }): Promise<BatchRef> {
      const last = input.pages.at(-1);
      if (!last) throw new Error('combinePages needs at least one page');
      const connector = await connectorOrFail(deps.store.connectors, input.connectorId);
      const { stream } = await connectorStream(deps.store.sourceCatalogs, input.connectorId, connector.configuration.source, last.stream);
      // Rows by their line as staged: a row is written on unchanged, so its line is too.
      const byKey = new Map<string, string>();
      const keyless: string[] = [];
      for (const page of input.pages) {
        for (const line of await deps.staging.readLines(page)) {
          const key = (JSON.parse(line) as Row)[stream.primaryKey];
          if (key === null || key === undefined) {
            keyless.push(line); // the quality gate quarantines these; they must reach it
            continue;
          }
          // Delete then set: the surviving version takes the position of the latest read.
          byKey.delete(String(key));
          byKey.set(String(key), line);
        }
      }
      return deps.staging.writeLines(`${input.connectorId}/${stream.name}`, stream, [...keyless, ...byKey.values()], last.cursorAfter);
    },
  };
}
