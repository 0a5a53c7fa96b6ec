import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import react from '@vitejs/plugin-react';
import { build, type InlineConfig, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildPackages } from '../../../../scripts/build-packages';
import { type ServerProcess, spawnServer } from '../support/spawn-server';
import {
  codeBlock,
  INDEX_HTML,
  MAIN_TSX,
  NODE_CHECK,
  promisedOutput,
  SIZE_ENTRY,
  TSCONFIG_BUNDLER,
  TSCONFIG_NODENEXT,
  TYPES_CHECK,
} from './consumer-files';

/*
 * Publishing as a user meets it: build, `npm pack`, install the tarballs into a
 * fresh project outside the workspace (no links), then use them from plain Node,
 * from a Vite + React build and from TypeScript under strict.
 */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../../..');
const BUDGET_GZIP_BYTES = 15 * 1024;
/** The parent `npm test` leaves npm_* settings in the environment; the consumer's npm must not inherit them. */
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))),
  npm_config_prefer_offline: 'true',
};
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const readme = (pkg: string) => readFileSync(join(ROOT, 'packages', pkg, 'README.md'), 'utf8');

interface Packed {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** A Vite build in memory, its outputs. */
async function viteBuild(config: InlineConfig): Promise<Rolldown.RolldownOutput[]> {
  // vitest runs with NODE_ENV=test, which Vite would otherwise pass on to React's development build.
  const define = { 'process.env.NODE_ENV': JSON.stringify('production') };
  const result = await build({
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    define,
    ...config,
    build: { write: false, ...config.build },
  });
  return (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
}

/** Gzipped size of every JavaScript chunk of a Vite build's output. */
function gzippedJs(output: Rolldown.RolldownOutput[]): { bytes: number; text: string } {
  const chunks = output.flatMap((o) => o.output).filter((c): c is Rolldown.OutputChunk => c.type === 'chunk');
  return { bytes: chunks.reduce((n, c) => n + gzipSync(c.code, { level: 9 }).length, 0), text: chunks.map((c) => c.code).join('\n') };
}

describe('@switchboard/protocol and @switchboard/client installed from their tarballs', () => {
  let work = '';
  let consumer = '';
  let packed: Packed[] = [];
  /** Started first thing, so its start-up overlaps the build and the install; the README test awaits it. */
  let server: Promise<ServerProcess> | undefined;
  /** The two type-checks, run together (one tsc per project); started once the README test's chat is over. */
  let typeChecks: Promise<Array<{ project: string; stdout: string }>> | undefined;
  const startTypeChecks = () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    typeChecks ??= Promise.all(
      ['tsconfig.json', 'tsconfig.node.json'].map((project) =>
        run(process.execPath, [tsc, '-p', project], { cwd: consumer, timeout: 240_000 }).then(
          ({ stdout }) => ({ project, stdout }),
          (err: { stdout?: string; message: string }) => ({ project, stdout: err.stdout || err.message }),
        ),
      ),
    );
    return typeChecks;
  };

  /** Runs a consumer script; a failure carries the script's own output, which execFile's error leaves out of its message. */
  const node = (file: string, env: Record<string, string> = {}) =>
    run(process.execPath, [file], { cwd: consumer, env: { ...ENV, ...env }, timeout: 60_000 }).catch(
      (err: Error & { stdout?: string; stderr?: string; signal?: string }) => {
        throw new Error(`${file} failed (signal ${err.signal ?? 'none'}):\n${err.stderr ?? ''}\n${err.stdout ?? ''}`);
      },
    );
  const libBuild = (entry: string, external: RegExp) =>
    viteBuild({
      root: consumer,
      build: {
        minify: true,
        lib: { entry: join(consumer, entry), formats: ['es'] },
        rolldownOptions: { external: (id) => external.test(id) },
      },
    });

  beforeAll(async () => {
    server = spawnServer();
    // Awaited (and its failure reported) by the README test; not an unhandled rejection meanwhile.
    server.catch(() => undefined);
    work = await mkdtemp(join(tmpdir(), 'sb-packages-'));
    consumer = join(work, 'consumer');
    await buildPackages();
    const packOut = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work, '-w', '@switchboard/protocol', '-w', '@switchboard/client'],
      { cwd: ROOT, env: ENV },
    );
    packed = JSON.parse(packOut.stdout) as Packed[];

    await mkdir(join(consumer, 'src'), { recursive: true });
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const deps = ['react', 'react-dom', '@types/react', '@types/react-dom'].map((d) => `${d}@${versionOf(d)}`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...packed.map((p) => join(work, p.filename)), ...deps], {
      cwd: consumer,
      env: ENV,
      timeout: 300_000,
    });

    await writeFile(join(consumer, 'node-check.mjs'), NODE_CHECK);
    await writeFile(join(consumer, 'protocol-example.mjs'), codeBlock(readme('protocol'), 'js'));
    await writeFile(join(consumer, 'chat.mjs'), codeBlock(readme('client'), 'js'));
    await writeFile(join(consumer, 'src/App.tsx'), codeBlock(readme('client'), 'tsx'));
    await writeFile(join(consumer, 'src/main.tsx'), MAIN_TSX);
    await writeFile(join(consumer, 'src/types-check.ts'), TYPES_CHECK);
    await writeFile(join(consumer, 'node-types.mts'), TYPES_CHECK);
    await writeFile(join(consumer, 'size-entry.js'), SIZE_ENTRY);
    await writeFile(join(consumer, 'validate-entry.js'), `export * from '@switchboard/client/validate';\n`);
    await writeFile(join(consumer, 'index.html'), INDEX_HTML);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG_BUNDLER));
    await writeFile(join(consumer, 'tsconfig.node.json'), JSON.stringify(TSCONFIG_NODENEXT));
  }, 600_000);

  afterAll(async () => {
    await typeChecks;
    await (await server?.catch(() => undefined))?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  it('ship built JavaScript, declarations, a README and the licence, and no sources or tests', async () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@switchboard/client', '@switchboard/protocol']);
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/LICENSE', 'dist/index.js', 'dist/index.d.ts']));
      expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.includes('.test.'))).toEqual([]);
    }
    const installed = JSON.parse(await readFile(join(consumer, 'node_modules/@switchboard/client/package.json'), 'utf8'));
    expect(installed).toMatchObject({ license: 'MIT', peerDependencies: { react: expect.any(String) } });
    expect(installed.private).toBeUndefined();
    // Installed, not linked: a real directory in the consumer's node_modules.
    expect((await readdir(join(consumer, 'node_modules/@switchboard/client/dist'))).length).toBeGreaterThan(0);
  });

  it('import from plain Node: every entry, hooks on the app’s React, validation, one error class across entries', async () => {
    const out = JSON.parse((await node('node-check.mjs')).stdout);
    expect(out).toEqual({
      html: '<b>disconnected</b>',
      newMessage: 'new_message',
      portal: 'message:new',
      catalogue: expect.any(Number),
      invalid: 'VALIDATION_FAILED',
    });
    expect(out.catalogue).toBeGreaterThan(50);
  });

  it('run the READMEs’ examples as written, the client’s against a live server', async () => {
    const protocolExample = codeBlock(readme('protocol'), 'js');
    expect((await node('protocol-example.mjs')).stdout.trim().split('\n')).toEqual(promisedOutput(protocolExample));

    const live = await server!;
    const token = await live.token({ sub: 'readme-customer', accountId: 'readme', role: 'customer' });
    // The type-checks start once the chat is over, whatever its outcome: started beside it, two tsc processes
    // starved the example past its 60 s on a loaded machine.
    const chat = await node('chat.mjs', { SWITCHBOARD_URL: live.url, SWITCHBOARD_TOKEN: token }).finally(() => void startTypeChecks());
    expect(chat.stdout.trim()).toMatch(/^stored \S+, live: Hello!$/);
  }, 120_000);

  it('type-check in a strict consumer, with bundler and with NodeNext resolution', async () => {
    const results = await startTypeChecks();
    expect(results.map((r) => r.project)).toEqual(['tsconfig.json', 'tsconfig.node.json']);
    for (const { project, stdout } of results) expect(stdout, project).toBe('');
  }, 240_000);

  it('build into a Vite + React app without zod', async () => {
    const app = gzippedJs(await viteBuild({ root: consumer, plugins: [react()] }));
    expect(app.text).toContain('SwitchboardClient');
    expect(app.text).not.toMatch(/ZodError|\$ZodType/);
    process.stdout.write(`vite + react app with @switchboard/client: ${app.bytes} bytes gzipped\n`);
  }, 120_000);

  it('stay within 15 kB gzipped in a browser bundle without validation, which alone brings zod', async () => {
    const peers = /^(react|react-dom|react\/.*|socket\.io-client)$/;
    const [sdkOut, withSocketIoOut, validateOut] = await Promise.all([
      libBuild('size-entry.js', peers),
      libBuild('size-entry.js', /^(react|react-dom|react\/.*)$/),
      libBuild('validate-entry.js', peers),
    ]);
    const [sdk, withSocketIo, validate] = [gzippedJs(sdkOut), gzippedJs(withSocketIoOut), gzippedJs(validateOut)];
    process.stdout.write(
      `@switchboard/client + /react: ${sdk.bytes} B gzipped; with socket.io-client ${withSocketIo.bytes} B; /validate ${validate.bytes} B\n`,
    );
    expect(sdk.bytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(sdk.text).not.toMatch(/ZodError|\$ZodType/);
    expect(validate.text).toMatch(/ZodError|\$ZodType/);
  }, 120_000);
});
