import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../docs/screenshots');

/**
 * Saves docs/screenshots/{name}.png when it is missing, or always with
 * UPDATE_SCREENSHOTS=1, so a test run does not rewrite committed images.
 * `settleMs` waits that long first (animations finishing), and only when a picture is taken.
 */
export async function screenshot(page: Page, name: string, opts: { settleMs?: number } = {}): Promise<void> {
  const file = join(DIR, `${name}.png`);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  // About the picture only: nothing in the page says when a CSS transition has ended.
  if (opts.settleMs) await new Promise((resolve) => setTimeout(resolve, opts.settleMs));
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: file });
}
