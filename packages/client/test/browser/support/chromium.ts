import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install -y chromium); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const IN_CI = process.env.CI === 'true';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable) {
  const line = `[tests] Chromium not found at ${CHROMIUM_PATH}: ${IN_CI ? 'CI=true requires it, so the browser tests will fail' : 'skipping the browser tests (apt-get install -y chromium to run them; CI=true requires them)'}.`;
  console.warn(line);
}

/** The brief's flags; Playwright adds --headless and a fresh temporary user-data-dir of its own. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) throw new Error(`CI=true and Chromium is missing at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
