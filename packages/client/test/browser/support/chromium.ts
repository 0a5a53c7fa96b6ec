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

/**
 * How the browser tests poll a page (`expect.poll(…, poll)`). Every 20 ms instead of 100 cost ~21 s more CPU over
 * the six files (each check is a round trip through the worker, the browser and a renderer) for no clear wall time
 * (docs/decisions.md, "Suite wall time, fourth pass: browser tests").
 */
export const poll = { timeout: 15_000, interval: 100 };

/** The brief's flags; Playwright adds --headless and a fresh temporary user-data-dir of its own. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium of the caller's own, to close when done. Test files share one instead: {@link sharedChromium}. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) throw new Error(`CI=true and Chromium is missing at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

let shared: Promise<Browser> | undefined;

/**
 * One Chromium per test worker, shared by the browser test files the worker runs one after the other
 * (vitest.config.ts `isolate: false` keeps this module, and so this browser, from one file to the next).
 * Launching and closing one cost ~0.6 s of CPU and, on a busy machine, seconds of wall time per file
 * (docs/decisions.md, "Suite wall time, fourth pass: browser tests"). What keeps files apart is a browser
 * context each (cookies, storage, permissions, viewport), which is all a file ever gets from it: it opens
 * its own contexts and closes them with {@link releaseChromium}, and never closes the browser itself.
 * The browser ends with the worker: Playwright kills the browsers it launched when the process exits
 * (or gets SIGINT, SIGTERM or SIGHUP). A browser that crashed or was closed is launched anew.
 */
export function sharedChromium(): Promise<Browser> {
  if (!shared) {
    const launching: Promise<Browser> = launchChromium().then(
      (browser) => {
        browser.on('disconnected', () => {
          if (shared === launching) shared = undefined;
        });
        return browser;
      },
      (err: unknown) => {
        if (shared === launching) shared = undefined;
        throw err;
      },
    );
    shared = launching;
  }
  return shared;
}

/** Closes every context of the shared browser, leaving it empty for the worker's next file. */
export async function releaseChromium(): Promise<void> {
  if (!shared) return;
  const browser = await shared.catch(() => undefined);
  await Promise.all((browser?.contexts() ?? []).map((c) => c.close().catch(() => undefined)));
}
