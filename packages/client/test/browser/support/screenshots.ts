import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../docs/screenshots');

/**
 * Saves docs/screenshots/{name}.png when it is missing, or always with
 * UPDATE_SCREENSHOTS=1, so a test run does not rewrite committed images.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(DIR, `${name}.png`);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: file });
}
