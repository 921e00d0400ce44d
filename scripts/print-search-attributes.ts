/**
 * Prints one `Name=Type` line per custom search attribute, so that scripts/temporal.sh registers
 * exactly what domain/constants.ts declares: the constants stay the one list.
 */
import { searchAttributeDeclarations } from '../domain/constants';

for (const [name, type] of Object.entries(searchAttributeDeclarations)) {
  process.stdout.write(`${name}=${type}\n`);
}
