/**
 * Tests run through @swc/jest (type checking is `tsc --noEmit`, run first by `npm test`).
 * fauxqs ships ESM only; it is mapped to its entry file and transformed like our own code.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: { '^fauxqs$': '<rootDir>/node_modules/fauxqs/dist/app.js' },
  transformIgnorePatterns: ['/node_modules/(?!fauxqs/)'],
  testTimeout: 60000,
};
