import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { TokenClaims } from '../../../server/src/auth/token-signer';

export interface ServerProcess {
  url: string;
  token(claims: Partial<TokenClaims> & { sub: string; accountId: string }, ttlSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts {@link ./server-process.ts} and resolves once it listens. */
export async function spawnServer(): Promise<ServerProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'server-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
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
