import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build, type Plugin } from 'esbuild';

import { catalogueSnapshotSource, PROTOCOL_CONSTANTS_MODULE } from '../packages/client/vite/catalogue-snapshot';

/*
 * Builds the publishable packages, @switchboard/protocol and @switchboard/client,
 * into their dist/: ESM JavaScript bundled per entry by esbuild (dependencies left
 * as imports), declarations by tsc. Inside the monorepo nothing reads dist/:
 * tsconfig.base.json's `paths` send tsx, tsc, Vite and vitest to the sources.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Serves the client's `protocol-constants.ts` as plain data, so the built client never imports zod or a schema. */
const catalogueSnapshot: Plugin = {
  name: 'catalogue-snapshot',
  setup(b) {
    b.onLoad({ filter: PROTOCOL_CONSTANTS_MODULE }, () => ({ contents: catalogueSnapshotSource(), loader: 'js' }));
  },
};

interface PackageBuild {
  dir: string;
  entries: string[];
  plugins?: Plugin[];
}

const PACKAGES: Record<'protocol' | 'client', PackageBuild> = {
  protocol: { dir: 'packages/protocol', entries: ['src/index.ts'] },
  client: {
    dir: 'packages/client',
    entries: ['src/index.ts', 'src/react/index.ts', 'src/validate.ts'],
    plugins: [catalogueSnapshot],
  },
};

async function buildPackage(pkg: PackageBuild): Promise<void> {
  const dir = join(ROOT, pkg.dir);
  const out = join(dir, 'dist');
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    // The build tsconfig has no `paths`, so @switchboard/protocol stays an import rather than bundled source.
    tsconfig: 'tsconfig.build.json',
    entryPoints: pkg.entries,
    outbase: 'src',
    outdir: 'dist',
    bundle: true,
    // Dependencies and peers (zod, socket.io-client, react, @switchboard/protocol) stay imports:
    // the consumer's package manager dedupes them, and one React means working hooks.
    packages: 'external',
    // Entries share chunks, so `/react` and `.` hold one SwitchboardClient class between them.
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    plugins: pkg.plugins ?? [],
  });
  execFileSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  addDeclarationExtensions(out);
  copyFileSync(join(ROOT, 'LICENSE'), join(out, 'LICENSE'));
}

/**
 * tsc keeps our extensionless relative imports in the .d.ts files; TypeScript
 * under `moduleResolution: node16`/`nodenext` (an ESM consumer) cannot follow
 * them, so each gets the `.js` (or `/index.js`) Node would load.
 */
function addDeclarationExtensions(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      addDeclarationExtensions(path);
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    const text = readFileSync(path, 'utf8').replace(
      /(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g,
      (whole, lead: string, quote: string, spec: string) => {
        if (spec.endsWith('.js')) return whole;
        const base = resolve(dirname(path), spec);
        const target = existsSync(`${base}.d.ts`) ? `${spec}.js` : existsSync(join(base, 'index.d.ts')) ? `${spec}/index.js` : null;
        if (!target) throw new Error(`${path}: cannot resolve ${spec}`);
        return `${lead}${quote}${target}${quote}`;
      },
    );
    writeFileSync(path, text);
  }
}

/** Builds protocol, then client (whose declarations read protocol's). */
export async function buildPackages(only?: keyof typeof PACKAGES): Promise<void> {
  for (const name of ['protocol', 'client'] as const) {
    if (!only || only === name) await buildPackage(PACKAGES[name]);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const only = process.argv[2] as keyof typeof PACKAGES | undefined;
  buildPackages(only).then(
    () => process.stdout.write(`built ${only ?? 'protocol and client'} into dist/\n`),
    (err: unknown) => {
      process.stderr.write(`package build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
