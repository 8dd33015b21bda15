import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '/node_modules/email-forward-parser/.+\\.js$': '<rootDir>/test/support/esm-transform.js',
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // ESM-only dependencies are compiled to CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(email-forward-parser|email-reply-parser|jose)/)'],
  // One local AWS stack (DynamoDB Local, s3rver, aws-ses-v2-local) for the whole run; tests isolate by ids.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30_000,
};

export default config;
