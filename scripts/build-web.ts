import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_APPS = ['apps/dashboard', 'apps/widget'] as const;

/** Whether an app's build output is there (the server serves it from dist/). */
export function isBuilt(app: (typeof WEB_APPS)[number]): boolean {
  return existsSync(resolve(ROOT, app, 'dist', app === 'apps/widget' ? 'switchboard-widget.js' : 'index.html'));
}

/** Whether a source of the app (or of the packages it bundles) changed after its last build. */
export function isStale(app: (typeof WEB_APPS)[number]): boolean {
  const built = statSync(resolve(ROOT, app, 'dist', app === 'apps/widget' ? 'switchboard-widget.js' : 'index.html')).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const path = resolve(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  const sources = [resolve(ROOT, app, 'src'), resolve(ROOT, 'packages/client/src'), resolve(ROOT, 'packages/protocol/src')];
  // The build's own settings count too: a new target or alias changes the output as much as a source does.
  const config = resolve(ROOT, app, 'vite.config.ts');
  return sources.some((dir) => existsSync(dir) && newest(dir) > built) || (existsSync(config) && statSync(config).mtimeMs > built);
}

/**
 * Builds the dashboard and the widget with Vite, in process (a few seconds, no
 * network). `onlyMissing` skips apps already built from their current sources. Returns the apps that failed.
 */
export async function buildWeb(opts: { onlyMissing?: boolean; quiet?: boolean; outRoot?: string } = {}): Promise<string[]> {
  const failed: string[] = [];
  // Vite's `native` config loader imports vite.config.ts with Node itself; tsx's hooks make that work (with the
  // tsconfig `paths` to the workspace's sources) even when this runs outside tsx, e.g. inside a vitest worker.
  const { register } = await import('tsx/esm/api');
  const unregister = register({ tsconfig: resolve(ROOT, 'tsconfig.json') });
  try {
    await buildApps(opts, failed);
  } finally {
    await unregister();
  }
  return failed;
}

async function buildApps(opts: { onlyMissing?: boolean; quiet?: boolean; outRoot?: string }, failed: string[]): Promise<void> {
  for (const app of WEB_APPS) {
    if (opts.onlyMissing && isBuilt(app) && !isStale(app)) continue;
    const { build } = await import('vite');
    const root = resolve(ROOT, app);
    // Vite builds for NODE_ENV as it finds it: under vitest that is `test`, which resolves packages' `development`
    // exports (engine.io-client's debug build, +6 kB). Tests must build what production serves.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      // `outRoot` (the release script) builds into another tree and leaves this checkout's dist/ alone.
      const outDir = opts.outRoot ? resolve(opts.outRoot, app, 'dist') : undefined;
      await build({
        root,
        configFile: resolve(root, 'vite.config.ts'),
        configLoader: 'native',
        logLevel: opts.quiet ? 'error' : 'warn',
        ...(outDir ? { build: { outDir } } : {}),
      });
      if (!opts.quiet) process.stdout.write(`built ${outDir ?? `${app}/dist`}\n`);
    } catch (err) {
      failed.push(app);
      process.stderr.write(`could not build ${app}: ${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  }
}

// As a script (postinstall, prestart, build:web), a failed build warns and never fails the install:
// the server still runs and its pages say how to build.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const onlyMissing = process.argv.includes('--if-missing');
  const strict = process.argv.includes('--strict');
  const out = process.argv.indexOf('--out');
  const outRoot = out > 0 ? process.argv[out + 1] : undefined;
  buildWeb({ onlyMissing, ...(outRoot ? { outRoot: resolve(outRoot) } : {}) }).then(
    (failed) => process.exit(strict && failed.length ? 1 : 0),
    (err: unknown) => {
      process.stderr.write(`web build skipped: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(strict ? 1 : 0);
    },
  );
}
