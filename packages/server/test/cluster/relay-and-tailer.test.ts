import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ENGINES, postgresAvailable } from '../support/databases';
import { ask, nextEvent, sleep, until } from '../support/events';
import { type Nodes, startNodes } from '../support/nodes';

/** Two nodes in one process over one database, related by an in-process relay that tests can cut. */
for (const kind of ENGINES) {
  describe.skipIf(kind === 'postgres' && !postgresAvailable)(`two nodes, relay and outbox tailer [${kind}]`, () => {
    let nodes: Nodes;
    beforeAll(async () => {
      nodes = await startNodes(2, kind, { RATE_LIMIT_POINTS: 10_000 });
    }, 60_000);
    afterAll(() => nodes?.close(), 60_000);

    async function conversation(tenant: string) {
      const customerToken = await nodes.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const agentToken = await nodes.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' });
      const conv = (await nodes.http(0, 'POST', '/api/conversations', { token: customerToken, body: {} })).body;
      return { customerToken, agentToken, conversationId: conv.id as string };
    }

    async function member(node: number, token: string, conversationId: string, auth?: Record<string, unknown>) {
      const got: any[] = [];
      const socket = await nodes.connect(node, { token, auth, before: (s) => s.on('new_message', (p: any) => got.push(p)) });
      expect((await ask(socket, 'join_conversation', conversationId)).ok).toBe(true);
      return { socket, got };
    }

    it("a message sent on node A reaches node B's members once each, in order", async () => {
      const c = await conversation('rt1');
      const onB = await member(1, c.agentToken, c.conversationId);
      const sender = await member(0, c.customerToken, c.conversationId);
      for (let i = 0; i < 20; i++)
        expect((await ask(sender.socket, 'send_message', { conversationId: c.conversationId, content: `m${i}` })).ok).toBe(true);
      await until(() => onB.got.length >= 20, 5_000, '20 messages on node B');
      // About time: the outbox tailer's window, in which a late duplicate would still arrive.
      await sleep(300);
      expect(onB.got.map((p) => p.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(sender.got).toHaveLength(20);
    });

    it('with the relay cut, the tailer still brings every event to the other node, in order', async () => {
      const c = await conversation('rt2');
      const onB = await member(1, c.agentToken, c.conversationId);
      const sender = await member(0, c.customerToken, c.conversationId);
      const rescuedBefore = (await nodes.servers[1]!.services.metrics.outboxRescued.get()).values[0]?.value ?? 0;
      nodes.hub!.cut();
      try {
        for (let i = 0; i < 10; i++) await ask(sender.socket, 'send_message', { conversationId: c.conversationId, content: `cut${i}` });
        await until(() => onB.got.length >= 10, 5_000, '10 messages through the tailer');
      } finally {
        nodes.hub!.mend();
      }
      // About time: the outbox tailer's window, in which a late duplicate would still arrive.
      await sleep(300);
      expect(onB.got.map((p) => p.content)).toEqual(Array.from({ length: 10 }, (_, i) => `cut${i}`));
      const rescued = (await nodes.servers[1]!.services.metrics.outboxRescued.get()).values[0]?.value ?? 0;
      expect(rescued - rescuedBefore).toBeGreaterThanOrEqual(10);
    });

    it('a client that moves to node B with auth.lastSeq gets what it missed exactly once, and live traffic after', async () => {
      const c = await conversation('rt3');
      const first = await member(0, c.customerToken, c.conversationId);
      const agentA = await member(0, c.agentToken, c.conversationId);
      await ask(agentA.socket, 'send_message', { conversationId: c.conversationId, content: 'seen' });
      await until(() => first.got.length === 1);
      const lastSeq = first.got[0].seq as number;
      first.socket.disconnect();
      for (let i = 0; i < 5; i++) await ask(agentA.socket, 'send_message', { conversationId: c.conversationId, content: `missed${i}` });
      const moved = await member(1, c.customerToken, c.conversationId, { lastSeq });
      const live = (async () => {
        for (let i = 0; i < 5; i++) await ask(agentA.socket, 'send_message', { conversationId: c.conversationId, content: `live${i}` });
      })();
      await live;
      await until(() => moved.got.length >= 10, 5_000, 'missed and live messages');
      // About time: the outbox tailer's window, in which a late duplicate would still arrive.
      await sleep(400);
      const contents = moved.got.map((p) => p.content);
      expect(contents.filter((x) => x.startsWith('missed'))).toEqual(['missed0', 'missed1', 'missed2', 'missed3', 'missed4']);
      expect(contents.filter((x) => x.startsWith('live'))).toEqual(['live0', 'live1', 'live2', 'live3', 'live4']);
      expect(new Set(moved.got.map((p) => p.eventId)).size).toBe(moved.got.length);
    });

    it("a widget socket on 003's namespace on node B hears node A's messages once", async () => {
      const c = await conversation('rt4');
      const widget: any[] = [];
      await nodes.connect(1, {
        token: c.customerToken,
        namespace: `/tenant/rt4/conv/${c.conversationId}`,
        before: (s: ClientSocket) => s.on('outbound_message', (p: any) => widget.push(p)),
      });
      const agent = await member(0, c.agentToken, c.conversationId);
      for (let i = 0; i < 3; i++) await ask(agent.socket, 'send_message', { conversationId: c.conversationId, content: `w${i}` });
      await until(() => widget.length >= 3, 5_000, 'three outbound_message');
      // About time: the outbox tailer's window, in which a late duplicate would still arrive.
      await sleep(300);
      expect(widget).toHaveLength(3);
    });

    it('relays typing and presence (signals) to the other node', async () => {
      const c = await conversation('rt5');
      const watcher = await nodes.connect(1, { token: await nodes.token({ sub: 'rt5-admin', accountId: 'rt5', role: 'admin' }) });
      const onB = await member(1, c.agentToken, c.conversationId);
      const online = nextEvent(watcher, 'agent_online', (p) => p.userId === 'rt5-agent2');
      const agent2 = await member(0, await nodes.token({ sub: 'rt5-agent2', accountId: 'rt5', role: 'agent' }), c.conversationId);
      await online;
      const typing = nextEvent(onB.socket, 'typing_start', (p) => p.userId === 'rt5-agent2');
      await ask(agent2.socket, 'typing_start', { conversationId: c.conversationId });
      await typing;
    });
  });
}
