/**
 * docker-compose.yml registers the search attributes with Temporal's admin tools, which cannot read
 * domain/constants.ts: this keeps its list equal to the project's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { searchAttributeDeclarations } from '../../domain/constants';

it('docker-compose.yml registers exactly the search attributes the project declares', () => {
  const compose = readFileSync(path.resolve(__dirname, '../../docker-compose.yml'), 'utf8');
  const registered: Record<string, string> = {};
  for (const [, name, type] of compose.matchAll(/search-attribute create .*--name (\w+) --type (\w+)/g)) {
    if (name && type) registered[name] = type;
  }
  expect(registered).toEqual(searchAttributeDeclarations);
});
