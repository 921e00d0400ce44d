import { rm } from 'node:fs/promises';
import { WORKFLOW_BUNDLE_VARIABLE } from './temporal';
import { stopTestServer } from './test-server';

export default async function globalTeardown(): Promise<void> {
  await stopTestServer();
  const bundlePath = process.env[WORKFLOW_BUNDLE_VARIABLE];
  if (bundlePath) await rm(bundlePath, { force: true });
}
