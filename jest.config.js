/** Tests run TypeScript through SWC (fast, no type-check); `npm run typecheck` is the type gate. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose ships ES modules only; the app runs them natively (tsx, Node's require of ESM) but jest's
    // CommonJS runtime cannot, so its files alone are compiled to CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    // The dashboard's SQL (dashboard/segment-sql.js) is a browser ES module the tests run as the page does.
    '/dashboard/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Set-up hooks start servers and workers: on a busy two-core machine a minute is not always enough.
  testTimeout: 120_000,
  // Two files at a time on CI's two cores: most of a file's time is spent waiting on Temporal, the
  // databases and the simulators, so the suite ends in about 31 min instead of 36 even on a loaded
  // machine (every file makes its own task queues, databases and ports, so none share state).
  maxWorkers: 2,
  // The last resort: a suite whose set-up failed half-way can leave a worker polling; the run must
  // still end (with its failures reported) rather than hang past CI's limit.
  forceExit: true,
};
