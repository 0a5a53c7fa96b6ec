import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ask, nextEvent, sleep } from '../support/events';

/*
 * The container image cannot be built here (no Docker), so this runs its steps:
 * the script the Dockerfile's build stage calls, then the image's CMD with its
 * ENV from the release tree alone, its HEALTHCHECK, and one chat.
 */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../../..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
const runtimeStage = DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM '));
const CMD = JSON.parse(/^CMD (\[.*\])$/m.exec(runtimeStage)?.[1] ?? '[]') as string[];
const HEALTHCHECK = /^HEALTHCHECK .*?CMD (.*)$/m.exec(runtimeStage)?.[1] ?? '';
const IMAGE_ENV = Object.fromEntries([...(/^ENV (.*)$/m.exec(runtimeStage)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
    srv.once('error', fail);
  });
}

describe('the release tree the Dockerfile builds', () => {
  let work = '';
  let app = '';
  let server: ChildProcess | undefined;
  let env: Record<string, string> = {};
  let base = '';
  const sockets: Socket[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sb-release-'));
    app = join(work, 'app');
    // Prefer the npm cache this checkout was installed from; the network only for what it lacks.
    await run('bash', [join(ROOT, 'deploy/assemble-release.sh'), app], {
      env: { ...process.env, npm_config_prefer_offline: 'true' },
      timeout: 600_000,
      maxBuffer: 1 << 24,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ...IMAGE_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(work, 'data'),
      LOG_LEVEL: 'warn',
    };
    expect(CMD[0]).toBe('node');
    server = spawn(process.execPath, CMD.slice(1), { cwd: app, env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, fail) => server?.once('exit', (code) => fail(new Error(`server exited (${code})`))));
    const ready = (async () => {
      // Polling another process's /readyz: it has no event to wait for.
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
        const res = await fetch(`${base}/readyz`).catch(() => null);
        if (res?.status === 200) return;
      }
      throw new Error('the release did not become ready within 120 s');
    })();
    await Promise.race([ready, exited]);
  }, 600_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    if (server && server.exitCode === null) {
      const gone = new Promise((done) => server?.once('exit', done));
      server.kill('SIGTERM');
      await gone;
    }
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  it('holds the built server and its production dependencies only', () => {
    expect(existsSync(join(app, 'packages/server/dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'packages/server/src'))).toBe(false);
    // The protocol's source is bundled into the server; the release has no copy of it to lean on.
    expect(existsSync(join(app, 'packages/protocol/src'))).toBe(false);
    expect(existsSync(join(app, 'packages/protocol/dist'))).toBe(false);
    for (const dev of ['tsx', 'typescript', 'vite', 'vitest', 'esbuild', 'react']) {
      expect(existsSync(join(app, 'node_modules', dev)), `${dev} is not a production dependency`).toBe(false);
    }
    for (const dep of ['fastify', 'socket.io', 'zod', '@electric-sql/pglite'])
      expect(existsSync(join(app, 'node_modules', dep))).toBe(true);
  });

  it('loads the native WebSocket add-ons from their prebuilt binaries, not the JavaScript fallbacks', async () => {
    // bufferutil and utf-8-validate fall back to JavaScript silently; node-gyp-build throws when no binary loads.
    const probe = `const { createRequire } = require('node:module'); const r = createRequire(process.cwd() + '/');
      for (const m of ['bufferutil', 'utf-8-validate']) {
        const pkg = r.resolve(m + '/package.json');
        createRequire(pkg)('node-gyp-build')(require('node:path').dirname(pkg));
      }`;
    await run(process.execPath, ['-e', probe], { cwd: app, env, timeout: 30_000 });
  });

  it('answers the image HEALTHCHECK and serves the dashboard and the widget', async () => {
    expect(HEALTHCHECK).toContain('/readyz');
    await run('sh', ['-c', HEALTHCHECK], { env, timeout: 30_000 });
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/widget/switchboard-widget.js`)).status).toBe(200);
  });

  it('carries one chat between a customer and an agent, with tokens from the release CLI', async () => {
    const token = async (...args: string[]) =>
      (
        await run(process.execPath, [join(app, 'packages/server/bin/switchboard.js'), 'token', '--tenant', 'demo', ...args], {
          cwd: app,
          env,
        })
      ).stdout.trim();
    const customerToken = await token('--role', 'customer', '--sub', 'release-customer', '--name', 'Rita');
    const agentToken = await token('--role', 'agent', '--sub', 'release-agent', '--team', 'support');

    const created = await fetch(`${base}/api/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Built server' }),
    });
    expect(created.status).toBe(201);
    const conversation = (await created.json()) as { id: string };

    const connect = (t: string) =>
      new Promise<Socket>((done, fail) => {
        const socket = io(base, { auth: { token: t }, transports: ['websocket'], reconnection: false, forceNew: true });
        sockets.push(socket);
        socket.once('authenticated', () => done(socket));
        socket.once('connect_error', fail);
      });
    const [customer, agent] = await Promise.all([connect(customerToken), connect(agentToken)]);
    expect((await ask(customer, 'join_conversation', conversation.id)).ok).toBe(true);
    expect((await ask(agent, 'join_conversation', conversation.id)).ok).toBe(true);

    const atAgent = nextEvent(agent, 'new_message', (m) => m.message?.content === 'Hello from the release');
    const sent = await ask(customer, 'send_message', {
      conversationId: conversation.id,
      content: 'Hello from the release',
      clientMessageId: 'release-1',
    });
    expect(sent.ok).toBe(true);
    await atAgent;

    const atCustomer = nextEvent(customer, 'new_message', (m) => m.message?.content === 'Hi Rita');
    expect(
      (await ask(agent, 'send_message', { conversationId: conversation.id, content: 'Hi Rita', clientMessageId: 'release-2' })).ok,
    ).toBe(true);
    await atCustomer;
  });
});
