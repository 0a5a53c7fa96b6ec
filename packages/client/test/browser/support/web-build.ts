import { buildWeb } from '../../../../../scripts/build-web';

let built: Promise<void> | undefined;

/**
 * The dashboard and the widget built from their current sources (`npm run build:web`), checked once per
 * test worker: the browser files a worker runs one after the other (vitest.config.ts `isolate: false`) share
 * the answer instead of each walking the sources and registering tsx again (docs/decisions.md, "Suite wall
 * time, fourth pass: browser tests").
 */
export function webBuilt(): Promise<void> {
  built ??= buildWeb({ onlyMissing: true, quiet: true }).then(
    (failed) => {
      if (failed.length) throw new Error(`could not build ${failed.join(', ')}`);
    },
    (err: unknown) => {
      built = undefined;
      throw err;
    },
  );
  return built;
}
