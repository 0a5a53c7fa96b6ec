import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ask, nextEvent, until } from '../support/events';
import { type Nodes, startNodes } from '../support/nodes';
import { dropRedisPrefix, openTestRedis, redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';

/**
 * Two nodes in this process with REDIS_URL: the Redis relay, the Socket.IO Redis adapter across
 * nodes, and presence and typing timers shared in Redis. (Kill and restart scenarios run real
 * processes: reliability.test.ts.)
 */
describe.skipIf(!redisAvailable)('two nodes with Redis', () => {
  let nodes: Nodes;
  const prefix = uniqueRedisPrefix('nodes');
  beforeAll(async () => {
    nodes = await startNodes(2, 'pglite', {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      TYPING_TIMEOUT_MS: 600,
      PRESENCE_TTL_MS: 600,
    });
  }, 60_000);
  afterAll(async () => {
    await nodes?.close();
    await dropRedisPrefix(await openTestRedis(), prefix);
  }, 60_000);

  const token = (sub: string, role: 'admin' | 'agent' | 'customer', accountId = 'rn') => nodes.token({ sub, accountId, role, name: sub });

  it('an event raised on node A reaches a socket on node B', async () => {
    const customer = await token('rn-cust', 'customer');
    const conv = (await nodes.http(0, 'POST', '/api/conversations', { token: customer, body: {} })).body;
    const agentB = await nodes.connect(1, { token: await token('rn-agent', 'agent') });
    await ask(agentB, 'join_conversation', conv.id);
    const got = nextEvent(agentB, 'new_message', (p) => p.content === 'over redis');
    const sent = await nodes.http(0, 'POST', `/api/conversations/${conv.id}/messages`, {
      token: customer,
      body: { content: 'over redis' },
    });
    expect(sent.status).toBe(201);
    expect((await got).seq).toBeGreaterThan(0);
  });

  it('fetchSockets, socketsJoin, serverSideEmit and disconnectSockets reach the other node', async () => {
    const onB = await nodes.connect(1, { token: await token('rn-x', 'agent') });
    const [a, b] = nodes.servers as [(typeof nodes.servers)[0], (typeof nodes.servers)[0]];
    const everywhere = await a.io.fetchSockets();
    expect(everywhere.map((s) => s.id)).toContain(onB.id);
    const remote = everywhere.find((s) => s.id === onB.id)!;
    expect(remote.data.userId).toBe('rn-x');

    a.io.in(onB.id!).socketsJoin('cross-node-room');
    await until(() => b.io.sockets.sockets.get(onB.id!)?.rooms.has('cross-node-room') === true, 3_000, 'remote join');
    expect((await a.io.in('cross-node-room').fetchSockets()).map((s) => s.id)).toEqual([onB.id]);

    const heard = new Promise((resolve) => b.io.once('cluster:ping' as never, resolve as never));
    a.io.serverSideEmit('cluster:ping', 'hello');
    expect(await heard).toBe('hello');

    const gone = nextEvent(onB, 'disconnect');
    a.io.in('cross-node-room').disconnectSockets(true);
    expect(await gone).toBe('io server disconnect');
  });

  it('presence is one state: online on node A is online for node B', async () => {
    const watcher = await nodes.connect(1, { token: await token('rn-admin', 'admin') });
    const online = nextEvent(watcher, 'agent_online', (p) => p.userId === 'rn-p1');
    const agent = await nodes.connect(0, { token: await token('rn-p1', 'agent') });
    await online;
    expect(await nodes.servers[1]!.services.broadcast.isAgentOnline('rn', 'rn-p1')).toBe(true);
    const offline = nextEvent(watcher, 'agent_offline', (p) => p.userId === 'rn-p1');
    agent.disconnect();
    await offline;
    expect(await nodes.servers[1]!.services.broadcast.isAgentOnline('rn', 'rn-p1')).toBe(false);
  });

  it("a dead node's typist stops typing and its users go offline, announced by the surviving node", async () => {
    const customer = await token('rn-c2', 'customer');
    const conv = (await nodes.http(0, 'POST', '/api/conversations', { token: customer, body: {} })).body;
    const watcher = await nodes.connect(1, { token: await token('rn-admin2', 'admin') });
    await ask(watcher, 'join_conversation', conv.id);
    const typist = await nodes.connect(0, { token: await token('rn-typist', 'agent') });
    await ask(typist, 'join_conversation', conv.id);
    const started = nextEvent(watcher, 'typing_start', (p) => p.userId === 'rn-typist');
    await ask(typist, 'typing_start', { conversationId: conv.id });
    await started;
    // Node A stops sweeping timers and refreshing its connections, as a killed node would.
    const a = nodes.servers[0]!;
    a.services.typing.close();
    await a.services.presence.stopHeartbeat();
    const stopped = nextEvent(watcher, 'typing_stop', (p) => p.userId === 'rn-typist', 3_000);
    const offline = nextEvent(watcher, 'agent_offline', (p) => p.userId === 'rn-typist', 4_000);
    await stopped;
    await offline;
  });
});
