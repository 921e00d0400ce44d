/**
 * A worker's load in a process of its own, for the test to kill while the load holds its decrypted
 * copy: prints the path its warehouse would read, then stays inside the load.
 * Run as `node --import tsx killed-load-child.ts <staging root> <sealed file>`, keys in INSIGHT_HUB_PAYLOAD_KEYS.
 */
import { parseKeyRing } from '../../activities/secrets';
import { PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { Staging } from '../../activities/staging/staging';

async function main(): Promise<void> {
  const [root = '', file = ''] = process.argv.slice(2);
  const staging = new Staging(root, parseKeyRing(process.env[PAYLOAD_KEYS_VARIABLE] ?? '', PAYLOAD_KEYS_VARIABLE));
  await staging.withPlainFiles([file], async ([plain]) => {
    process.stdout.write(`${plain}\n`);
    await new Promise(() => setInterval(() => undefined, 60_000));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
