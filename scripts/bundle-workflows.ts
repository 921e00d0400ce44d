/**
 * `tsx scripts/bundle-workflows.ts <file>`: bundles the workflow code once, at build time, for
 * workers started with INSIGHT_HUB_WORKFLOW_BUNDLE=<file> (the image does). A worker without it
 * bundles at start-up with webpack, which takes seconds and leaves the worker about 150 MiB larger
 * for as long as it runs. The bundle must come from the same source as the worker that loads it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx scripts/bundle-workflows.ts <file>, e.g. .data/workflow-bundle.js\n');
    process.exit(2);
  }
  process.stderr.write('bundling the workflow code…\n');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, code);
  process.stderr.write(
    `wrote ${file} (${(code.length / 2 ** 20).toFixed(1)} MiB); start workers with INSIGHT_HUB_WORKFLOW_BUNDLE=${file}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bundling failed: ${String(error)}\n`);
  process.exit(1);
});
