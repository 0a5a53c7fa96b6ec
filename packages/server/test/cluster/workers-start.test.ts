import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { io as connect } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { createPostgresDatabase, postgresAvailable } from '../support/databases';
import { sleep } from '../support/events';
import { freePort, serverMain, testServerEnv } from '../support/processes';
import { SECRET } from '../support/server';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PROBE_MS = 8_000;

/** `npm start` with WORKERS=2: the banner means every worker serves, and nothing made during start-up hangs. */
describe.skipIf(!postgresAvailable)('WORKERS=2 start-up', () => {
  let child: ChildProcess | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const force = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    await database?.drop();
  }, 30_000);

  it('answers all 200 requests fired from the moment the banner prints, and every probe made during start-up', async () => {
    database = await createPostgresDatabase();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, serverMain(), {
      cwd: ROOT,
      env: testServerEnv({ WORKERS: '2', DATABASE_URL: database.url, PORT: String(port), DEMO: 'false', LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let exited = false;
    child.once('exit', () => (exited = true));
    const banner = new Promise<void>((resolve) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Switchboard is running')) resolve();
      });
      child!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });

    // An answer is any HTTP status, or a refused connection before the primary listens; never silence.
    const probe = (path: string) =>
      fetch(base + path, { signal: AbortSignal.timeout(PROBE_MS) }).then(
        async (res) => {
          await res.arrayBuffer();
          return `status ${res.status}`;
        },
        (err: Error) => (err.name === 'TimeoutError' ? `hung: ${path}` : 'refused'),
      );
    const token = await signToken(SECRET, { sub: 'ws-start', accountId: 'ws-start', role: 'agent' });
    const socketProbe = () =>
      new Promise<string>((resolve) => {
        const s = connect(base, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true, timeout: PROBE_MS });
        const timer = setTimeout(() => finish('hung: socket'), PROBE_MS);
        function finish(outcome: string) {
          clearTimeout(timer);
          s.close();
          resolve(outcome);
        }
        s.once('authenticated', () => finish('status connected'));
        s.once('connect_error', (err) => finish(err.message.includes('websocket error') ? 'refused' : `status ${err.message}`));
      });

    let started = false;
    const early: Array<Promise<string>> = [];
    const probing = (async () => {
      while (!started && !exited) {
        early.push(probe('/readyz'));
        // Pacing: a probe every 50 ms during start-up.
        await sleep(50);
      }
    })();
    await Promise.race([
      banner,
      new Promise((_, reject) => child!.once('exit', () => reject(new Error(`exited before the banner:\n${output}`)))),
    ]);
    started = true;
    await probing;

    const kinds = [() => probe('/healthz'), () => probe('/readyz'), () => probe('/socket.io/?EIO=4&transport=polling'), socketProbe];
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => kinds[i % kinds.length]!()));
    expect(answers.filter((a) => !a.startsWith('status'))).toEqual([]);
    // Served, not just answered: /healthz says ok, and sockets connect (or, on a busy machine, are told when to come back).
    expect(answers.filter((a, i) => i % 4 === 0 && a !== 'status 200')).toEqual([]);
    expect(answers.filter((a, i) => i % 4 === 3 && a !== 'status connected' && a !== 'status RATE_LIMITED')).toEqual([]);
    expect((await Promise.all(early)).filter((a) => a.startsWith('hung'))).toEqual([]);
  }, 180_000);
});
