/**
 * Tests run through @swc/jest (type checking is `tsc --noEmit`, run first by `npm test`).
 * fauxqs ships ESM only; it is mapped to its entry file and transformed like our own code, and so
 * is cookie 2, which light-my-request (local/in-process-transport.ts) requires.
 *
 * Three projects, chosen by the test file's name, so a new test needs no entry here:
 *   *.test.ts              unit: our code in this process only (sharp and aws-local-stepfunctions
 *                          included); no server, emulator, synth, bundle or child process.
 *                          `npm run test:unit`, well under 30 s.
 *   *.integration.test.ts  starts an emulator or a local server (fauxqs, dynalite, the Step
 *                          Functions endpoint, stub HTTP servers), synthesizes with cdktf, bundles
 *                          with esbuild, or spawns a process (tsx, npm). `npm run test:integration`.
 *   *.slow.test.ts         takes more than about 10 s on its own (determinism, load).
 *                          `npm run test:slow`.
 * `npm test` runs all three.
 */
const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/__tests__'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: { '^fauxqs$': '<rootDir>/node_modules/fauxqs/dist/app.js' },
  transformIgnorePatterns: ['/node_modules/(?!(fauxqs|cookie)/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.(integration|slow)\\.test\\.ts$'],
    },
    { ...shared, displayName: 'integration', testMatch: ['**/*.integration.test.ts'] },
    { ...shared, displayName: 'slow', testMatch: ['**/*.slow.test.ts'] },
  ],
  // A global option: jest-circus reads the timeout from the global config, not a project's.
  testTimeout: 60000,
};
