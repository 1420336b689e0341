// Unit tests live beside their subject (src and web, *.spec.ts); end-to-end tests in test/e2e;
// browser tests of the web pages in test/browser.
const transform = { '^.+\\.ts$': ['@swc/jest'] };
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      // web/ specs test the pages' pure helpers (money parsing); they run in Node like the rest.
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/web/dist/'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Fault drills: real processes under load (npm run test:resilience); part of npm test.
      displayName: 'resilience',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/resilience/**/*.drill-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Pages in a real browser: Debian's Chromium driven by playwright-core (npm test builds
      // the pages first); screenshots land in test-results/screenshots.
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
