import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { TokenClaims } from '../../../server/src/auth/token-signer';
import { SERVER_MAIN_VARIABLE } from '../../../server/test/support/global-setup';

export interface ServerProcess {
  url: string;
  token(claims: Partial<TokenClaims> & { sub: string; accountId: string }, ttlSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'server-process.ts');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

let bundled: Promise<string[]> | undefined;

/**
 * Node's arguments that run {@link ./server-process.ts}: bundled by esbuild once per worker process, next to the
 * run's build of the server (global-setup.ts, removed with it at teardown), when there is one; through tsx
 * otherwise (a file run outside vitest's global setup). Started through tsx it spent ~3 s of CPU compiling and
 * loading the server's sources; the bundle costs ~0.3 s to make and starts on a fraction of that
 * (docs/decisions.md, "Suite wall time, fourth pass: processes").
 */
function serverProcessArgs(): Promise<string[]> {
  const main = process.env[SERVER_MAIN_VARIABLE];
  if (!main) return Promise.resolve(['--import', 'tsx', SCRIPT]);
  bundled ??= (async () => {
    const outfile = join(dirname(main), `client-server-process-${process.pid}-${randomBytes(4).toString('hex')}.js`);
    // As scripts/build-server.ts builds the server: npm packages stay imports, the workspace's sources are bundled.
    // esbuild's command, not its API: under jsdom (react-hooks.test.ts) the API refuses jsdom's TextEncoder.
    await run(join(ROOT, 'node_modules/.bin/esbuild'), [
      SCRIPT,
      `--outfile=${outfile}`,
      `--tsconfig=${join(ROOT, 'tsconfig.json')}`,
      '--bundle',
      '--packages=external',
      '--format=esm',
      '--platform=node',
      '--target=node20',
      '--log-level=warning',
    ]);
    return [outfile];
  })();
  return bundled;
}

/** Starts {@link ./server-process.ts} and resolves once it listens. */
export async function spawnServer(): Promise<ServerProcess> {
  const child = spawn(process.execPath, await serverProcessArgs(), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const pending = new Map<number, (token: string) => void>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let msg: { port?: number; id?: number; token?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.port) resolve(msg.port);
      if (msg.id && msg.token) pending.get(msg.id)?.(msg.token);
    });
    child.once('exit', (code) => reject(new Error(`server process exited (${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    token(claims, ttl) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.stdin.write(`${JSON.stringify({ id, claims: { role: 'agent', ...claims }, ttl })}\n`);
      });
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
