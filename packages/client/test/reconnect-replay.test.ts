import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { until } from '../../server/test/support/events';
import { DefaultOut, PortalIn, reconnectDelay } from '../src/index';
import { connected, newClient } from './support/clients';
import { type RestartableServer, sharedRestartableServer } from './support/restartable-server';

describe('reconnect schedule', () => {
  it('waits 1 s, 2 s, then 5 s for good, each plus up to a quarter of jitter', () => {
    expect([0, 1, 2, 3, 9].map((a) => reconnectDelay(a, undefined, 0.25, () => 0))).toEqual([1000, 2000, 5000, 5000, 5000]);
    expect([0, 1, 2].map((a) => reconnectDelay(a, undefined, 0.25, () => 1))).toEqual([1250, 2500, 6250]);
  });
});

describe('a server restart, seen from a client', () => {
  let server: RestartableServer;
  beforeAll(async () => {
    // The worker's server of this configuration, shared with its other files; the tenants `rc1` and `rc2` are this file's alone.
    server = await sharedRestartableServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('retries on the 1 s, 2 s schedule, then re-joins its conversation and gets what it missed once, in order', async () => {
    const tenant = 'rc1';
    const customerToken = await server.token({ sub: 'rc1-cust', accountId: tenant, role: 'customer' });
    const post = async (content: string, conversationId: string) => {
      const res = await fetch(`${server.url}/api/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content }),
      });
      expect(res.status).toBe(201);
    };
    const conv = (await (
      await fetch(`${server.url}/api/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { id: string };

    const agent = newClient({
      url: server.url,
      token: await server.token({ sub: 'rc1-agent', accountId: tenant, role: 'agent' }),
      dialect: 'portal',
    });
    const got: string[] = [];
    agent.on(PortalIn['message:new'], (m) => got.push(m.content));
    await connected(agent);
    await agent.joinConversation(conv.id);
    await post('m0', conv.id);
    await until(() => got.length === 1, 10_000, 'm0');

    const waits: number[] = [];
    agent.onState((s) => {
      if (s.nextRetryAt !== null && waits.length < 2 && s.attempt > waits.length) waits.push(s.nextRetryAt - Date.now());
    });
    await server.stop();
    await until(() => agent.status === 'reconnecting', 10_000, 'reconnecting');
    // The first attempt (after ~1 s) fails against the stopped server; the second is scheduled ~2 s later.
    await until(() => waits.length === 2, 10_000, 'two scheduled attempts');
    // Hold the client off while the server takes 20 messages, however slow this machine is today.
    agent.disconnect();
    await server.start();
    for (let i = 1; i <= 20; i++) await post(`m${i}`, conv.id);
    agent.connect();

    await until(() => agent.connected, 10_000, 'reconnected');
    for (let i = 21; i <= 25; i++) await post(`m${i}`, conv.id);
    await until(() => got.length >= 26, 10_000, 'all 26 messages');
    // A round trip: a duplicate the server had sent would be in by its answer.
    await agent.request(DefaultOut.ping, { timestamp: Date.now() });

    expect(waits[0]).toBeGreaterThan(900);
    expect(waits[0]).toBeLessThanOrEqual(1_250);
    expect(waits[1]).toBeGreaterThan(1_900);
    expect(waits[1]).toBeLessThanOrEqual(2_500);
    expect(got).toEqual(Array.from({ length: 26 }, (_, i) => `m${i}`));
    expect(agent.joinedConversations).toEqual([conv.id]);
  }, 30_000);

  it('keeps sends made during the outage and delivers each once when the server is back', async () => {
    const tenant = 'rc2';
    const customerToken = await server.token({ sub: 'rc2-cust', accountId: tenant, role: 'customer' });
    const conv = (await (
      await fetch(`${server.url}/api/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { id: string };
    const agent = newClient({
      url: server.url,
      token: await server.token({ sub: 'rc2-agent', accountId: tenant, role: 'agent' }),
      reconnectDelaysMs: [300],
    });
    await connected(agent);

    await server.stop();
    await until(() => !agent.connected, 10_000, 'disconnected');
    const sends = ['while down 1', 'while down 2'].map((content) => agent.send({ conversationId: conv.id, content }));
    await until(() => agent.outbox.pending().every((e) => e.state === 'queued'), 10_000, 'queued after 100, 200, 400 ms');
    await server.start();
    const stored = await Promise.all(sends.map((s) => s.done));
    expect(stored.map((m) => m.content)).toEqual(['while down 1', 'while down 2']);

    const res = await fetch(`${server.url}/api/conversations/${conv.id}/messages`, {
      headers: { authorization: `Bearer ${customerToken}` },
    });
    const { messages } = (await res.json()) as { messages: Array<{ content: string }> };
    expect(messages.map((m) => m.content)).toEqual(['while down 1', 'while down 2']);
  }, 30_000);
});
