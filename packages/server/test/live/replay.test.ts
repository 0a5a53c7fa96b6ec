import { expect, it } from 'vitest';

import { ask, nextEvent, settled, until } from '../support/events';
import { forEachServer, INTERNAL_KEY } from '../support/server';

forEachServer(
  'nothing lost, nothing twice',
  (t) => {
    async function setup(tenant: string) {
      const customerToken = await t.token({ sub: `${tenant}-cust`, accountId: tenant, role: 'customer' });
      const agentToken = await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' });
      const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
      const agent = await t.connect({ token: agentToken });
      await ask(agent, 'join_conversation', conv.id);
      return { customerToken, agentToken, conversationId: conv.id as string, agent };
    }

    it('a client that misses 100 messages gets all 100 on reconnect with auth.lastSeq, in order, exactly once', async () => {
      const s = await setup('rp1');
      const customer = await t.connect({ token: s.customerToken });
      await ask(customer, 'join_conversation', s.conversationId);
      const warmup = nextEvent(customer, 'new_message');
      await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: 'before' });
      const lastSeq = (await warmup).seq as number;
      customer.disconnect();

      for (let i = 0; i < 100; i++) {
        const res = await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: `missed ${i}` });
        expect(res.ok).toBe(true);
      }

      const got: any[] = [];
      let complete: any;
      await t.connect({
        token: s.customerToken,
        auth: { lastSeq },
        before: (sock) => {
          sock.on('new_message', (p: any) => got.push(p));
          sock.on('sync_complete', (p: any) => (complete = p));
        },
      });
      await until(() => complete !== undefined);
      expect(got.map((p) => p.content)).toEqual(Array.from({ length: 100 }, (_, i) => `missed ${i}`));
      expect(new Set(got.map((p) => p.eventId)).size).toBe(100);
      const seqs = got.map((p) => p.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(complete.lastSeq).toBe(seqs[seqs.length - 1]);
    });

    it('replays with sync { since } and delivers live traffic during the replay exactly once', async () => {
      const s = await setup('rp2');
      for (let i = 0; i < 50; i++) await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: `old ${i}` });
      const customer = await t.connect({ token: s.customerToken });
      const seen = new Map<string, number>();
      customer.on('new_message', (p) => seen.set(p.content, (seen.get(p.content) ?? 0) + 1));
      const sender = (async () => {
        for (let i = 0; i < 30; i++) await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: `live ${i}` });
      })();
      // The customer is in its conversation room only after this join, so live traffic starts reaching it now.
      await ask(customer, 'join_conversation', s.conversationId);
      await ask(customer, 'sync', { since: 0 });
      await sender;
      await until(() => seen.size === 80, 5_000, 'all 80 messages');
      await settled(customer);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

    it('serves the same log over GET /api/updates for polling clients, filtered to what the caller may see', async () => {
      const s = await setup('rp3');
      await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: 'polled' });
      const page = (await t.http('GET', '/api/updates?since=0', { token: s.customerToken })).body;
      const names = page.events.flatMap((e: any) => e.deliveries.map((d: any) => d.event));
      expect(names).toContain('new_message');
      expect(page.lastSeq).toBeGreaterThanOrEqual(page.events[page.events.length - 1].seq);
      expect(names).not.toContain('user_message');
      const after = (await t.http('GET', `/api/updates?since=${page.lastSeq}`, { token: s.customerToken })).body;
      expect(after.events).toEqual([]);
      const stranger = await t.token({ sub: 'rp3-other', accountId: 'rp3', role: 'customer' });
      expect((await t.http('GET', '/api/updates?since=0', { token: stranger })).body.events).toEqual([]);
    });

    it('recovers a briefly dropped connection with Socket.IO state recovery, re-running authentication', async () => {
      const s = await setup('rp4');
      const customer = await t.connect({ token: s.customerToken, options: { reconnection: true, reconnectionDelay: 100 } });
      await ask(customer, 'join_conversation', s.conversationId);
      const got: string[] = [];
      customer.on('new_message', (p) => got.push(p.content));
      // Drop the transport without a clean disconnect, as a network blip would.
      (customer.io as any).engine.close();
      await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: 'while away' });
      await nextEvent(customer, 'connect');
      expect(customer.recovered).toBe(true);
      await until(() => got.includes('while away'));
      await ask(s.agent, 'send_message', { conversationId: s.conversationId, content: 'after' });
      await until(() => got.includes('after'));
      expect(got).toEqual(['while away', 'after']);
    });

    it('recovers 600 messages missed while away, kept over several sealed chunks, in order and each once, as they were sent', async () => {
      const s = await setup('rp6');
      const customer = await t.connect({ token: s.customerToken, options: { reconnection: false } });
      await ask(customer, 'join_conversation', s.conversationId);
      const got: any[] = [];
      customer.on('new_message', (p) => got.push(p));
      const gone = nextEvent(customer, 'disconnect');
      (customer.io as any).engine.close();
      await gone;
      // More than two chunks of the recovery store (256 packets each), sent at once.
      const sent = await Promise.all(
        Array.from({ length: 600 }, (_, i) => ask(s.agent, 'send_message', { conversationId: s.conversationId, content: `away ${i} ✓` })),
      );
      expect(sent.every((r) => r.ok)).toBe(true);
      const back = nextEvent(customer, 'connect');
      customer.connect();
      await back;
      expect(customer.recovered).toBe(true);
      await until(() => got.length >= 600, 10_000, '600 recovered messages');
      await settled(customer);
      expect(got).toHaveLength(600);
      expect(new Set(got.map((p) => p.content))).toEqual(new Set(Array.from({ length: 600 }, (_, i) => `away ${i} ✓`)));
      const seqs = got.map((p) => p.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      // What came back is what the agent's send stored, field for field.
      const stored = new Map(sent.map((r: any) => [r.data.id, r.data]));
      for (const p of got) expect(p.message).toEqual(stored.get(p.id));
    });

    it('recovers what was sent to a room while its only member was away (an emit nobody hears now is still kept)', async () => {
      const customerToken = await t.token({ sub: 'rp5-cust', accountId: 'rp5', role: 'customer' });
      const conv = (await t.http('POST', '/api/conversations', { token: customerToken, body: {} })).body;
      // No automatic reconnection: the socket comes back only after the emit, so the emit finds the room empty.
      const customer = await t.connect({ token: customerToken, options: { reconnection: false } });
      await ask(customer, 'join_conversation', conv.id);
      const got: string[] = [];
      customer.on('note', (p) => got.push(p.text));
      const gone = nextEvent(customer, 'disconnect');
      (customer.io as any).engine.close();
      await gone;
      const res = await t.http('POST', '/internal/emit', {
        headers: { 'x-internal-api-key': INTERNAL_KEY },
        body: { tenantId: 'rp5', conversationId: conv.id, event: 'note', payload: { text: 'while away' } },
      });
      expect(res.status).toBe(200);
      const back = nextEvent(customer, 'connect');
      customer.connect();
      await back;
      expect(customer.recovered).toBe(true);
      await until(() => got.includes('while away'));
      expect(got).toEqual(['while away']);
    });
  },
  { RATE_LIMIT_POINTS: 10_000 },
);
