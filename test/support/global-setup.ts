import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WORKFLOW_BUNDLE_VARIABLE } from './temporal';
import { startTestServer } from './test-server';

const BUNDLE_SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'bundle-workflows.ts');

export default async function globalSetup(): Promise<void> {
  await startTestServer();
  // Bundled once here rather than once per test file (jest gives every file its own module
  // registry), by the build step the image runs: every test's workflows run from its output.
  const bundlePath = path.join(tmpdir(), `insight-hub-workflows-${process.pid}.js`);
  await promisify(execFile)(process.execPath, ['--import', 'tsx', BUNDLE_SCRIPT, bundlePath]);
  process.env[WORKFLOW_BUNDLE_VARIABLE] = bundlePath;
}
