/**
 * Debian's Chromium for the end-to-end tests (Playwright cannot download a browser here). When it
 * is missing the browser tests are skipped with the command that installs it — except in CI
 * (CI=true), where a missing browser is a failure.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env['SVD_CHROMIUM'] ?? '/usr/bin/chromium';
export const INSTALL_HINT =
  'install it with: sudo apt-get install -y chromium (or set SVD_CHROMIUM to its path)';

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true')
    throw new Error(
      `Chromium is missing at ${CHROMIUM}; the browser tests must run in CI: ${INSTALL_HINT}`,
    );
  process.stderr.write(
    `\n*** browser tests SKIPPED: Chromium is missing at ${CHROMIUM}; ${INSTALL_HINT}\n\n`,
  );
  return false;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser profile each time. */
export async function launchChromium(
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'svd-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
}
