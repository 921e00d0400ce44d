/** Tests run TypeScript through SWC (fast, no type-check); `npm run typecheck` is the type gate. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Set-up hooks start servers and workers: on a busy two-core machine a minute is not always enough.
  testTimeout: 120_000,
  // The last resort: a suite whose set-up failed half-way can leave a worker polling; the run must
  // still end (with its failures reported) rather than hang past CI's limit.
  forceExit: true,
};
