import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the demo portal, in Debian's Chromium driven by
 * playwright-core (Playwright's own browser downloads are not used).
 *
 * PORTAL_URL is where the app is served: http://localhost:3000 under
 * `yarn start`, the backend's http://localhost:7007 when it serves the built
 * app (as in .ci/run). BACKEND_URL defaults to http://localhost:7007.
 */
export default defineConfig({
  testDir: './e2e',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json']]
    : [['list']],
  outputDir: '../node_modules/.cache/e2e-test-results',
  use: {
    baseURL: process.env.PORTAL_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
