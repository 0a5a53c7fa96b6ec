import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signToken } from '../../src/auth/token-signer';
import { buildServer } from '../../src/build-server';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ask, until } from '../support/events';
import { SECRET, testServerConfig } from '../support/server';

/**
 * One node, restarted: its publish ledger starts empty, and the events written before it started
 * must count as long broadcast, so a client resuming with auth.lastSeq gets them by replay (they
 * will never come live from this process).
 */
describe('a client resuming after the server restarted', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  }, 60_000);
  afterAll(() => database?.dispose());

  const start = async () => {
    const sb = await buildServer(testServerConfig(), {
      db: database.db,
    });
    return { sb, url: `http://127.0.0.1:${await sb.listen()}` };
  };
  const open = (url: string, token: string, auth: Record<string, unknown> = {}) =>
    connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token, ...auth } });

  it('gets what was written before the restart by replay', async () => {
    const agentToken = await signToken(SECRET, { sub: 'rr-agent', accountId: 'rr', role: 'agent' });
    const customerToken = await signToken(SECRET, { sub: 'rr-cust', accountId: 'rr', role: 'customer' });
    const first = await start();
    const conv = (await (
      await fetch(`${first.url}/api/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { id: string };
    const agent = open(first.url, agentToken);
    const seen: any[] = [];
    agent.on('user_message', (p) => seen.push(p));
    await new Promise((r) => agent.once('authenticated', r));
    const customer = open(first.url, customerToken);
    await new Promise((r) => customer.once('authenticated', r));
    await ask(customer, 'send_message', { conversationId: conv.id, content: 'before' });
    await until(() => seen.length === 1);
    agent.disconnect();
    await ask(customer, 'send_message', { conversationId: conv.id, content: 'missed 1' });
    await ask(customer, 'send_message', { conversationId: conv.id, content: 'missed 2' });
    customer.disconnect();
    await first.sb.close();

    const second = await start();
    const back = open(second.url, agentToken, { lastSeq: seen[0].seq });
    const replayed: string[] = [];
    back.on('user_message', (p) => replayed.push(p.content ?? p.message?.content));
    await new Promise((r) => back.once('sync_complete', r));
    expect(replayed).toEqual(['missed 1', 'missed 2']);
    back.disconnect();
    await second.sb.close();
  }, 60_000);
});
