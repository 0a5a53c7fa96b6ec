import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { io as connectClient } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';

import { postgresAvailable, TEST_DATABASE_URL } from '../support/databases';
import { serverMain, spawnNode, stopAllNodes, testServerEnv } from '../support/processes';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the server's main ({@link serverMain}) with `env` until it exits; returns its exit code, its JSON log lines and a DATA_DIR it was given. */
async function startWith(env: Record<string, string>): Promise<{ code: number | null; lines: any[]; text: string; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'data');
  const child = spawn(process.execPath, serverMain(), {
    cwd: ROOT,
    env: testServerEnv({
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  const lines = text.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
  return { code, lines, text, dataDir };
}

const fatalOf = (r: { lines: any[]; text: string }) => {
  const fatal = r.lines.find((l) => l.level === 60);
  expect(fatal, r.text).toBeDefined();
  return fatal;
};

// Each test starts its own process on its own DATA_DIR and port (or none): they run together, so one
// process's start-up overlaps another's (docs/decisions.md, "Suite wall time, fourth pass: processes").
describe.concurrent('configuration errors', () => {
  it('names JWT_PUBLIC_KEY and the expected form for a key that is not PEM, before touching DATA_DIR', async () => {
    const r = await startWith({ JWT_PUBLIC_KEY: 'not-a-key', JWT_SECRET: '' });
    expect(r.code).toBe(78);
    const fatal = fatalOf(r);
    expect(fatal.problems).toEqual([
      { variable: 'JWT_PUBLIC_KEY', problem: 'is not a readable PEM public key', expected: expect.stringContaining('BEGIN PUBLIC KEY') },
    ]);
    expect(fatal.msg).toContain('JWT_PUBLIC_KEY');
    expect(existsSync(r.dataDir)).toBe(false);
  }, 70_000);

  it('names each bad variable with its expected form: PORT, then DATABASE_URL, CORS_ORIGINS and JWT_JWKS_URL together', async () => {
    const [r, r2] = await Promise.all([
      startWith({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db/x',
        CORS_ORIGINS: 'https://ok.example,https://bad.example/',
        JWT_JWKS_URL: 'ftp://keys',
      }),
      startWith({
        DATABASE_URL: 'mysql://db/x',
        CORS_ORIGINS: 'https://ok.example,https://bad.example/',
        JWT_JWKS_URL: 'ftp://keys',
      }),
    ]);
    expect(r.code).toBe(78);
    const variables = fatalOf(r)
      .problems.map((p: { variable: string }) => p.variable)
      .sort();
    expect(variables).toEqual(['PORT']);
    // zod stops at the field errors; fix PORT and the cross-field checks name the rest.
    const problems = fatalOf(r2).problems;
    expect(problems.map((p: { variable: string }) => p.variable).sort()).toEqual(['CORS_ORIGINS', 'DATABASE_URL', 'JWT_JWKS_URL']);
    expect(problems.find((p: { variable: string }) => p.variable === 'DATABASE_URL').expected).toMatch(
      /postgres:\/\/user:password@host:5432\/database/,
    );
    expect(existsSync(r2.dataDir)).toBe(false);
  }, 70_000);

  describe('a port in use', () => {
    let blocker: Server;
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('is named as PORT before any database set-up', async () => {
      blocker = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
      );
      // No JWT_SECRET: local secrets would be written to DATA_DIR, after the probe.
      const r = await startWith({ PORT: String(port), JWT_SECRET: '' });
      expect(r.code).toBe(78);
      expect(fatalOf(r).problems).toEqual([
        { variable: 'PORT', problem: `127.0.0.1:${port} is already in use`, expected: expect.any(String) },
      ]);
      expect(existsSync(r.dataDir)).toBe(false);
    }, 70_000);
  });

  it.skipIf(!postgresAvailable)(
    'names DATABASE_URL when its database does not exist',
    async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = '/switchboard_no_such_database';
      const r = await startWith({ DATABASE_URL: url.toString() });
      expect(r.code).toBe(78);
      const [problem] = fatalOf(r).problems;
      expect(problem.variable).toBe('DATABASE_URL');
      expect(problem.problem).toContain('database "switchboard_no_such_database" does not exist');
    },
    70_000,
  );
});

// Concurrent too: this suite's server starts beside the configuration errors' processes.
describe.concurrent('operational logs', () => {
  afterAll(() => stopAllNodes());

  it('logs start, refused handshakes without the token, requests at debug, and stop', async () => {
    const node = await spawnNode('ops-logs', { LOG_LEVEL: 'debug' });
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZQ';
    const socket = connectClient(node.url('/tickets'), {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: forged },
    });
    await new Promise((resolve) => socket.once('connect_error', resolve));
    socket.close();
    expect((await fetch(node.url('/api/conversations?token=secret-in-query'))).status).toBe(401);
    node.kill('SIGTERM');
    expect(await node.exited).toBe(0);

    const text = node.output();
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(
      lines.find((l) => l.msg === 'started' && l.level === 30),
      text,
    ).toMatchObject({ port: node.port, database: 'pglite' });
    expect(lines.find((l) => l.msg === 'handshake refused')).toMatchObject({
      level: 30,
      code: 'AUTH_TOKEN_INVALID',
      namespace: '/tickets',
    });
    expect(lines.find((l) => l.msg === 'request' && l.path === '/api/conversations')).toMatchObject({
      level: 20,
      method: 'GET',
      status: 401,
    });
    expect(lines.find((l) => l.msg === 'stopped')).toMatchObject({ level: 30, signal: 'SIGTERM' });
    expect(text).not.toContain(forged);
    expect(text).not.toContain('secret-in-query');
  }, 120_000);
});
