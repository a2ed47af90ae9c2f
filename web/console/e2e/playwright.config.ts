import { defineConfig } from "@playwright/test";

// End-to-end tests of the console in Debian's Chromium against a real certsvc
// (CERTSVC_BIN, built by scripts/web.sh) that global-setup.ts starts on a
// free port with a fresh data directory. Playwright never downloads a browser
// here: CERTSVC_CHROMIUM is the system's.
export default defineConfig({
  testDir: ".",
  testMatch: process.env.CERTSVC_MEASURE ? /measure\.spec\.ts/ : /(console|flows|signals)\.spec\.ts/,
  globalSetup: "./global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: process.env.CERTSVC_MEASURE ? 600_000 : 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.CERTSVC_URL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CERTSVC_CHROMIUM || "/usr/bin/chromium",
      // Flags for Debian's Chromium as root on a machine without outside network.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
