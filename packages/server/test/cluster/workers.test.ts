import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { signToken } from '../../src/auth/token-signer';
import { createPostgresDatabase, postgresAvailable } from '../support/databases';
import { ask, nextEvent, until } from '../support/events';
import { spawnNode, stopAllNodes, type NodeProcess } from '../support/processes';
import { SECRET } from '../support/server';

/** WORKERS=2 on one machine without Redis: sticky sessions, the cluster adapter, facts and presence through the primary. */
describe.skipIf(!postgresAvailable)('WORKERS=2 without Redis', () => {
  let database: { url: string; drop(): Promise<void> };
  let node: NodeProcess;
  const clients: Socket[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    node = await spawnNode('workers', { WORKERS: '2', DATABASE_URL: database.url });
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await stopAllNodes();
    await database?.drop();
  }, 60_000);

  const token = (sub: string, role: 'agent' | 'customer' | 'admin') => signToken(SECRET, { sub, accountId: 'wk', role, name: sub });

  function open(t: string, transports: string[]): Promise<Socket> {
    const s = connect(node.url(), { transports, auth: { token: t }, reconnection: false, forceNew: true });
    clients.push(s);
    return new Promise((resolve, reject) => {
      s.once('authenticated', () => resolve(s));
      s.once('connect_error', reject);
    });
  }

  it('clients on both workers, websocket and long-polling, hear each other once; presence is one state', async () => {
    const admin = await open(await token('wk-admin', 'admin'), ['polling']);
    const online = new Set<string>();
    admin.on('agent_online', (p) => online.add(p.userId));
    const agents = [
      await open(await token('wk-a1', 'agent'), ['websocket']),
      await open(await token('wk-a2', 'agent'), ['polling']),
      await open(await token('wk-a3', 'agent'), ['websocket']),
    ];
    await until(() => online.size === 3, 5_000, 'three agents online for the admin');
    const customerToken = await token('wk-cust', 'customer');
    const conv = await (await fetch(node.url('/api/conversations'), {
      method: 'POST', headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' }, body: '{}',
    })).json() as { id: string };
    const everyone = [admin, ...agents];
    const heard = everyone.map(() => 0);
    everyone.forEach((s, i) => s.on('new_message', (p) => p.content.startsWith('from worker') && heard[i]!++));
    for (const [i, s] of agents.entries()) expect((await ask(s, 'send_message', { conversationId: conv.id, content: `from worker ${i}` })).ok).toBe(true);
    await until(() => heard.every((n) => n === 3), 5_000, 'every client hears all three messages');
    const gone = nextEvent(admin, 'agent_offline', (p) => p.userId === 'wk-a2');
    agents[1]!.disconnect();
    await gone;
  });

  it('refuses to start WORKERS > 1 on the embedded database, saying why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
      cwd: new URL('../../../../', import.meta.url).pathname,
      env: { ...process.env, WORKERS: '2', DATABASE_URL: '', JWT_SECRET: SECRET, INTERNAL_API_KEY: 'k', PORT: '0', DATA_DIR: '/tmp/switchboard-workers-refusal' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stdout.on('data', (c: Buffer) => (err += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(err).toContain('WORKERS=2 needs DATABASE_URL');
  }, 60_000);
});
