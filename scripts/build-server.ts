import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

/*
 * Builds the server into packages/server/dist: ESM for Node 20, one bundle per
 * entry (main.js starts the server, cli.js is the `switchboard` command,
 * index.js is buildServer for embedding) with shared chunks. npm packages stay
 * imports, so `npm ci --omit=dev` supplies them; @switchboard/protocol is the
 * workspace's source (tsconfig `paths`) and is bundled, so the built server
 * needs no build of the protocol package.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'packages/server');

/** Builds into packages/server/dist, or into `outDir` (the release script's tree). */
export async function buildServerDist(outDir = join(SERVER, 'dist')): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    absWorkingDir: SERVER,
    entryPoints: ['src/main.ts', 'src/cli.ts', 'src/index.ts'],
    outbase: 'src',
    outdir: outDir,
    tsconfig: join(ROOT, 'tsconfig.json'),
    bundle: true,
    packages: 'external',
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv.indexOf('--out');
  const outDir = out > 0 && process.argv[out + 1] ? resolve(process.argv[out + 1] as string) : undefined;
  buildServerDist(outDir).then(
    () => process.stdout.write(`built ${outDir ?? 'packages/server/dist'}\n`),
    (err: unknown) => {
      process.stderr.write(`server build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
