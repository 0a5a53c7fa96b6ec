import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { expect, it } from 'vitest';

import { buildWeb } from '../../../scripts/build-web';

/** Issue 17: the widget, with everything it does, stays at most 30 kB (30,000 bytes) gzipped. */
export const WIDGET_GZIP_BUDGET = 30_000;

it('keeps the widget script within 30 kB gzipped', async () => {
  // Builds when the sources changed since the last build, so the figure is the current code's.
  expect(await buildWeb({ onlyMissing: true, quiet: true })).toEqual([]);
  const script = readFileSync(new URL('../../../apps/widget/dist/switchboard-widget.js', import.meta.url));
  const gzipped = gzipSync(script).length;
  console.log(`widget: ${script.length} bytes, ${gzipped} gzipped (budget ${WIDGET_GZIP_BUDGET})`);
  expect(gzipped).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);
}, 120_000);
