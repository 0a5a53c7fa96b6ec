import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { closeRedis } from '../../src/cluster/redis-connection';
import { ask, until } from '../support/events';
import { openTestRedis, redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { forEachServer, type ServerContext } from '../support/server';

const BOGUS = 3_000;

/** One raw websocket sending `count` CONNECTs to unique 003 namespaces; resolves once each was answered. */
async function bogusConnects(ctx: ServerContext, count: number, auth = ''): Promise<string[]> {
  const ws = new WebSocket(ctx.url('/socket.io/?EIO=4&transport=websocket').replace('http', 'ws'));
  const answers: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const text = (raw as Buffer).toString();
      if (text.startsWith('0')) {
        const tag = Math.random().toString(36).slice(2);
        for (let i = 0; i < count; i++) ws.send(`40/tenant/evil/conv/${tag}-${i},${auth}`);
      } else if (text.startsWith('44/tenant/')) {
        answers.push(text);
        if (answers.length === count) resolve();
      }
    });
  });
  ws.close();
  return answers;
}

const nsps = (ctx: ServerContext) => (ctx.sb().io as unknown as { _nsps: Map<string, unknown> })._nsps;

/** A widget on its conversation's namespace, an agent's reply, and what the widget got with it. */
async function widgetHearsReply(ctx: ServerContext, tenant: string): Promise<{ widget: ClientSocket; args: unknown[]; namespace: string }> {
  const customer = await ctx.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
  const agent = await ctx.connect({ token: await ctx.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
  const conv = (await ctx.http('POST', '/api/conversations', { token: customer, body: {} })).body;
  const namespace = `/tenant/${tenant}/conv/${conv.id}`;
  const widget = await ctx.connect({ token: customer, namespace });
  const heard = new Promise<unknown[]>((resolve) => widget.on('outbound_message', (...args: unknown[]) => resolve(args)));
  expect((await ask(agent, 'send_message', { conversationId: conv.id, content: 'hello widget' })).ok).toBe(true);
  return { widget, args: await heard, namespace };
}

function capacityChecks(redisPrefix?: string) {
  return (ctx: ServerContext) => {
    const shardChannels = async () => {
      const redis = await openTestRedis();
      try {
        const sharded = await redis.sendCommand<string[]>(['PUBSUB', 'SHARDCHANNELS', `${redisPrefix}*`]);
        const plain = await redis.sendCommand<string[]>(['PUBSUB', 'CHANNELS', `${redisPrefix}*`]);
        return [...sharded, ...plain].sort();
      } finally {
        await closeRedis(redis);
      }
    };

    it(`${BOGUS} CONNECTs without a token to new 003 namespaces leave no namespace behind`, async () => {
      const before = nsps(ctx).size;
      const channelsBefore = redisPrefix ? await shardChannels() : [];
      const answers = await bogusConnects(ctx, BOGUS);
      expect(answers.every((a) => a.includes('"code":"MISSING_TOKEN"'))).toBe(true);
      expect(nsps(ctx).size).toBe(before);
      if (redisPrefix) expect(await shardChannels()).toEqual(channelsBefore);

      // A valid token of another tenant: refused for the tenant (or, past a few admissions under way on one
      // connection, at once), still nothing created.
      const foreign = await ctx.token({ sub: 'mallory', accountId: 'mallory-co', role: 'admin' });
      const refused = await bogusConnects(ctx, 200, JSON.stringify({ token: foreign }));
      expect(refused.every((a) => /"code":"(FORBIDDEN|RATE_LIMITED)"/.test(a))).toBe(true);
      expect(refused.some((a) => a.includes('"code":"FORBIDDEN"'))).toBe(true);
      expect(nsps(ctx).size).toBe(before);
      if (redisPrefix) expect(await shardChannels()).toEqual(channelsBefore);
    });

    it('a widget joined after the flood gets each broadcast once, with one payload and no foreign offsets', async () => {
      await bogusConnects(ctx, BOGUS);
      const { args } = await widgetHearsReply(ctx, 'nsa');
      // The payload, plus at most Socket.IO's own recovery offset for this namespace.
      expect(args.length).toBeLessThanOrEqual(2);
      expect(args[0]).toMatchObject({ text: 'hello widget' });
      expect(JSON.stringify(args).length).toBeLessThan(2_000);
    });

    it('releases a conversation namespace (and its Redis channels) when its last socket leaves', async () => {
      // The previous test's widget, disconnected after it, is gone too.
      await until(() => ![...nsps(ctx).keys()].some((name) => name.startsWith('/tenant/')), 5_000, 'earlier namespaces released');
      const before = nsps(ctx).size;
      const channelsBefore = redisPrefix ? await shardChannels() : [];
      const { widget, namespace } = await widgetHearsReply(ctx, 'nsb');
      expect(nsps(ctx).has(namespace)).toBe(true);
      if (redisPrefix) expect((await shardChannels()).some((c) => c.includes(namespace))).toBe(true);
      widget.disconnect();
      await until(() => !nsps(ctx).has(namespace), 5_000, 'namespace released');
      expect(nsps(ctx).size).toBe(before);
      if (redisPrefix) {
        const end = Date.now() + 3_000;
        let now = await shardChannels();
        while (now.length !== channelsBefore.length && Date.now() < end) now = await shardChannels();
        expect(now).toEqual(channelsBefore);
      }
    });

    it('still refuses with the handshake codes: missing token, bad token, foreign conversation', async () => {
      const owner = await ctx.token({ sub: 'nsc-cust', accountId: 'nsc', role: 'customer' });
      const conv = (await ctx.http('POST', '/api/conversations', { token: owner, body: {} })).body;
      const namespace = `/tenant/nsc/conv/${conv.id}`;
      expect((await ctx.connectError({ namespace })).data).toMatchObject({ code: 'MISSING_TOKEN' });
      expect((await ctx.connectError({ namespace, token: 'not-a-jwt' })).data).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
      const stranger = await ctx.token({ sub: 'nsc-other', accountId: 'nsc', role: 'customer' });
      expect((await ctx.connectError({ namespace, token: stranger })).data?.code).toBe('FORBIDDEN');
      // A token in the query still opens the namespace (002: auth, header or query).
      const byQuery = await ctx.connect({ namespace, query: { token: owner } });
      expect(byQuery.connected).toBe(true);
      // Over HTTP long-polling as well as over a websocket.
      const polling = await ctx.connect({ namespace, token: owner, options: { transports: ['polling'] } });
      expect(polling.connected).toBe(true);
      expect((await ctx.connectError({ namespace, options: { transports: ['polling'] } })).data).toMatchObject({ code: 'MISSING_TOKEN' });
    });
  };
}

forEachServer('003 namespaces under a CONNECT flood', capacityChecks());

describe.skipIf(!redisAvailable)('with Redis', () => {
  const prefix = uniqueRedisPrefix('widget-nsp');
  forEachServer(
    '003 namespaces under a CONNECT flood, Redis adapter',
    capacityChecks(prefix),
    { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix },
    ['pglite'],
  );
});
