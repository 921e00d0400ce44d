import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleProjectWorkflows, WORKFLOW_BUNDLE_VARIABLE } from './temporal';
import { startTestServer } from './test-server';

export default async function globalSetup(): Promise<void> {
  await startTestServer();
  // Bundled once here rather than once per test file: jest gives every file its own module registry.
  const bundlePath = path.join(tmpdir(), `insight-hub-workflows-${process.pid}.js`);
  await writeFile(bundlePath, (await bundleProjectWorkflows()).code);
  process.env[WORKFLOW_BUNDLE_VARIABLE] = bundlePath;
}
