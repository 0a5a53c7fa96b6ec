import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SERVER_MAIN_VARIABLE } from './global-setup';
import { INTERNAL_KEY, SECRET } from './server';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'packages/server/src/main.ts';

/**
 * Node's arguments that start the server's main: the run's build of this checkout's sources (made by
 * global-setup.ts with the build script `npm run build:server` uses), or main.ts through tsx, as `npm start`
 * does, when there is none (a test file run outside vitest's global setup). The build starts on ~0.1 s
 * of CPU where tsx took ~3.5 s to compile and load the sources.
 */
export function serverMain(): string[] {
  const built = process.env[SERVER_MAIN_VARIABLE];
  return built ? [built] : ['--import', 'tsx', MAIN];
}

/** The environment of a server process under test: this one's, the test secrets, loopback, any port; `overrides` on top. */
export function testServerEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, JWT_SECRET: SECRET, INTERNAL_API_KEY: INTERNAL_KEY, HOST: '127.0.0.1', PORT: '0', ...overrides };
}

/** A Switchboard started as its own process ({@link serverMain}), so SIGKILL is real. */
export interface NodeProcess {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  url(path?: string): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  /** What it printed, for failure messages. */
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a node and resolves once its /readyz answers 200. `env` adds to a test configuration
 * (test secrets, no demo tenant, warnings only, rate limits out of the way of load tests).
 */
export async function spawnNode(name: string, env: Record<string, string>, readyTimeoutMs = 90_000): Promise<NodeProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  // Output goes to a file: a pipe the busy test process reads late would stall the node's writes.
  const logFile = join(tmpdir(), `switchboard-${name}-${port}-${Date.now()}.log`);
  const fd = openSync(logFile, 'w');
  const out = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-20_000);
    } catch {
      return '';
    }
  };
  const ownDataDir = env.DATA_DIR === undefined && !env.DATABASE_URL ? mkdtempSync(join(tmpdir(), `switchboard-${name}-data-`)) : null;
  const child: ChildProcess = spawn(process.execPath, serverMain(), {
    cwd: ROOT,
    env: testServerEnv({
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_POINTS: '100000',
      // A busy test machine is not a connection storm: no refusals for event-loop lag.
      ADMISSION_MAX_LAG_MS: '0',
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      ...env,
      PORT: String(port),
    }),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Given no directory, its own, removed when it exits: the default ./data would be the checkout's.
  if (ownDataDir) void exited.then(() => rmSync(ownDataDir, { recursive: true, force: true }));
  const node: NodeProcess = {
    name,
    port,
    pid: child.pid ?? -1,
    url: (path = '') => `http://127.0.0.1:${port}${path}`,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    output: out,
  };
  running.add(node);
  void exited.then(() => running.delete(node));
  const deadline = Date.now() + readyTimeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline && !gone) {
    const res = await fetch(node.url('/readyz'), { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (res?.status === 200) return node;
    // Polling another process's /readyz, which has no event to wait for.
    await new Promise((r) => setTimeout(r, 100));
  }
  node.kill('SIGKILL');
  throw new Error(`${name} did not become ready:\n${out()}`);
}

const running = new Set<NodeProcess>();

/** Stops every node this file started that is still running (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopAllNodes(graceMs = 5_000): Promise<void> {
  const nodes = [...running];
  for (const n of nodes) n.kill('SIGTERM');
  const timer = setTimeout(() => nodes.forEach((n) => n.kill('SIGKILL')), graceMs);
  await Promise.all(nodes.map((n) => n.exited));
  clearTimeout(timer);
}
