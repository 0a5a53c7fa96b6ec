import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { localSecrets } from '../../src/ops/local-secrets';
import { SERVER_MAIN_VARIABLE } from '../support/global-setup';
import { authenticatedOf, forEachServer, SECRET } from '../support/server';

const run = promisify(execFile);
/** The command `npx switchboard` runs: in this checkout it loads src/cli.ts through tsx (~0.7 s of CPU a start). */
const BIN = join(import.meta.dirname, '../../bin/switchboard.js');
/**
 * The same command from the run's build of the server (global-setup.ts), what the bin runs in a production install
 * (~0.2 s a start); the bin itself when there is no build. The first test goes through the bin, the others through
 * this (docs/decisions.md, "Suite wall time, fourth pass: processes").
 */
const BUILT_SERVER_MAIN = process.env[SERVER_MAIN_VARIABLE];
const CLI = BUILT_SERVER_MAIN ? join(dirname(BUILT_SERVER_MAIN), 'cli.js') : BIN;

/** Runs the `switchboard` command ({@link CLI}, or `entry`) as `npx switchboard` does, with only the variables given. */
async function switchboard(
  args: string[],
  env: Record<string, string>,
  entry = CLI,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { PATH = '', HOME = '' } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [entry, ...args], { env: { PATH, HOME, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

forEachServer(
  'switchboard token with JWT_SECRET',
  (t) => {
    it('prints a token the server accepts, with the given tenant, role, user, name and teams', async () => {
      const out = await switchboard(
        ['token', '--tenant', 'acme', '--role', 'agent', '--sub', 'u1', '--name', 'Ann', '--team', 'support', '--team', 'sales'],
        { JWT_SECRET: SECRET },
        BIN,
      );
      expect(out.code).toBe(0);
      const token = out.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      const socket = await t.connect({ token });
      expect(authenticatedOf(socket)).toMatchObject({
        userId: 'u1',
        accountId: 'acme',
        role: 'agent',
        name: 'Ann',
        teamIds: ['support', 'sales'],
      });
    });
  },
  {},
  ['pglite'],
);

describe('switchboard token without JWT_SECRET', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sb-token-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('signs with the secret the server keeps in DATA_DIR, creating it once (mode 0600) and reusing it', async () => {
    const first = await switchboard(['token', '--tenant', 't', '--role', 'customer', '--sub', 'c1', '--ttl', '120'], { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    const file = await stat(join(dataDir, 'secrets.json'));
    expect(file.mode & 0o777).toBe(0o600);
    const second = await switchboard(['token', '--tenant', 't', '--role', 'agent', '--sub', 'u1'], { DATA_DIR: dataDir });
    // The server's own start (main.ts) reads the same file through localSecrets.
    const key = new TextEncoder().encode((await localSecrets(dataDir)).jwtSecret);
    const a = await jwtVerify(first.stdout.trim(), key);
    const b = await jwtVerify(second.stdout.trim(), key);
    expect(a.payload).toMatchObject({ sub: 'c1', accountId: 't', role: 'customer' });
    expect((a.payload.exp ?? 0) - (a.payload.iat ?? 0)).toBe(120);
    expect(b.payload).toMatchObject({ sub: 'u1', role: 'agent' });
  });

  it('refuses a missing or unknown role with the usage on stderr and exit code 2', async () => {
    const [missing, unknown] = await Promise.all([
      switchboard(['token', '--tenant', 't', '--sub', 'u1'], { DATA_DIR: dataDir }),
      switchboard(['token', '--tenant', 't', '--role', 'owner', '--sub', 'u1'], { DATA_DIR: dataDir }),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('--tenant, --role and --sub are required');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--role must be one of admin, agent, viewer, customer');
  });

  it('refuses to sign when the server verifies with a public key only', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const out = await switchboard(['token', '--tenant', 't', '--role', 'agent', '--sub', 'u1'], {
      DATA_DIR: dataDir,
      JWT_PUBLIC_KEY: await exportSPKI(publicKey),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('sign them with your private key');
  });
});
