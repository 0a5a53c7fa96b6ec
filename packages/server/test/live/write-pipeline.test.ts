import { expect, it } from 'vitest';

import type { Actor } from '../../src/access/policy';
import { AppError } from '../../src/errors';
import { ask, record, settled, until } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

/** How many flushes the node's write pipeline has run, from its metric. */
async function flushes(t: ServerContext): Promise<number> {
  const metric = await t.sb().services.metrics.writeFlushes.get();
  return metric.values.find((v) => v.metricName === 'switchboard_write_flush_sends_count')?.value ?? 0;
}

async function conversationFor(t: ServerContext, tenant: string, contact: string): Promise<string> {
  const res = await t.http('POST', '/api/conversations', {
    token: await t.token({ sub: contact, accountId: tenant, role: 'customer' }),
    body: {},
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const agent = (tenant: string, sub = `${tenant}-agent`): Actor => ({ userId: sub, accountId: tenant, role: 'agent', teamIds: [] });
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' && r.reason instanceof AppError ? r.reason.code : r.status);

forEachServer(
  'the write pipeline',
  (t) => {
    it('stores 1,000 concurrent sends over 10 conversations of one tenant once each, acks each once, and replays them gapless in seq order', async () => {
      const tenant = 'wp-load';
      const conversations = await Promise.all(Array.from({ length: 10 }, (_, i) => conversationFor(t, tenant, `wp-load-cust-${i}`)));
      const senders = await Promise.all(
        Array.from({ length: 20 }, async (_, i) =>
          t.connect({ token: await t.token({ sub: `wp-load-agent-${i}`, accountId: tenant, role: 'agent' }) }),
        ),
      );
      const flushesBefore = await flushes(t);
      const acks = new Map<string, number>();
      const answers: Array<Promise<string>> = [];
      for (let n = 0; n < 1_000; n++) {
        const clientMessageId = `load-${n}`;
        const payload = { conversationId: conversations[n % 10], content: `message ${n}`, contentType: 'text', clientMessageId };
        answers.push(
          new Promise<string>((resolve, reject) =>
            senders[n % 20]!.timeout(30_000).emit('send_message', payload, (err: Error | null, reply: any) => {
              if (err) return reject(err);
              acks.set(clientMessageId, (acks.get(clientMessageId) ?? 0) + 1);
              return reply?.ok ? resolve(reply.data.id) : reject(new Error(JSON.stringify(reply?.error)));
            }),
          ),
        );
      }
      const ids = await Promise.all(answers);
      expect(new Set(ids).size).toBe(1_000);
      // A second answer to any send would have come before a round trip that starts now.
      await settled(...senders);
      expect([...acks.values()].every((n) => n === 1) && acks.size === 1_000).toBe(true);
      // Batches formed: far fewer flushes than sends.
      expect((await flushes(t)) - flushesBefore).toBeLessThan(1_000);

      const db = t.sb().services.db;
      const perConversation = await db.query<{ conversation_id: string; n: number; distinct_keys: number }>(
        `SELECT conversation_id, count(*)::int AS n, count(DISTINCT client_message_id)::int AS distinct_keys
         FROM messages WHERE account_id = $1 GROUP BY conversation_id`,
        [tenant],
      );
      expect(perConversation.map((r) => [r.n, r.distinct_keys])).toEqual(Array.from({ length: 10 }, () => [100, 100]));

      // Replay from the start: every message once, in seq order, each event naming the one before it.
      const staff = await t.token({ sub: 'wp-load-reader', accountId: tenant, role: 'agent' });
      const seen: number[] = [];
      const messageIds: string[] = [];
      for (let since = 0, more = true; more;) {
        const page = await t.http('GET', `/api/updates?since=${since}&limit=1000`, { token: staff });
        for (const e of page.body.events) {
          seen.push(e.seq);
          if (e.type === 'message.created') messageIds.push(e.deliveries.find((d: any) => d.event === 'new_message').payload.message.id);
        }
        more = page.body.more;
        since = page.body.lastSeq;
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(messageIds)).toEqual(new Set(ids));
      expect(messageIds).toHaveLength(1_000);
      const chain = await db.query<{ seq: number; prev_seq: number | null }>(
        'SELECT seq, prev_seq FROM events WHERE account_id = $1 ORDER BY seq',
        [tenant],
      );
      chain.forEach((row, i) => expect(row.prev_seq).toBe(i === 0 ? null : chain[i - 1]!.seq));
    }, 120_000);

    it('a batch with one bad send commits the others, and the bad ones fail alone with their own codes', async () => {
      const tenant = 'wp-bad';
      const conversationId = await conversationFor(t, tenant, 'wp-bad-cust');
      const listener = await t.connect({ token: await t.token({ sub: 'wp-bad-listener', accountId: tenant, role: 'agent' }) });
      expect((await ask(listener, 'join_conversation', conversationId)).ok).toBe(true);
      const heard = record(listener);
      const { messages } = t.sb().services;
      const before = await flushes(t);
      // Submitted in one turn: one flush takes them all.
      const results = await Promise.allSettled([
        messages.send(agent(tenant), { conversationId, content: 'good 1', contentType: 'text' }),
        // PostgreSQL cannot store a NUL character in text: the database refuses the whole statement.
        messages.send(agent(tenant), { conversationId, content: 'bad \u0000 byte', contentType: 'text' }),
        messages.send(agent(tenant), { conversationId, content: 'good 2', contentType: 'text' }),
        messages.send(agent(tenant), { conversationId: 'no-such-conversation', content: 'lost', contentType: 'text' }),
        messages.send(agent(tenant), { conversationId, content: 'good 3', contentType: 'text' }),
      ]);
      expect((await flushes(t)) - before).toBe(1);
      expect(results.map(codeOf)).toEqual(['fulfilled', 'VALIDATION_FAILED', 'fulfilled', 'NOT_FOUND', 'fulfilled']);
      const stored = await t
        .sb()
        .services.db.query<{ content: string }>('SELECT content FROM messages WHERE account_id = $1 ORDER BY created_at, id', [tenant]);
      expect(stored.map((m) => m.content)).toEqual(['good 1', 'good 2', 'good 3']);
      await until(() => heard.filter((e) => e.event === 'new_message').length === 3);
      expect(heard.filter((e) => e.event === 'new_message').map((e) => e.payload.content)).toEqual(['good 1', 'good 2', 'good 3']);
    });

    it('a retried send inside the same flush is stored once, and both are answered with it', async () => {
      const tenant = 'wp-retry';
      const conversationId = await conversationFor(t, tenant, 'wp-retry-cust');
      const listener = await t.connect({ token: await t.token({ sub: 'wp-retry-listener', accountId: tenant, role: 'agent' }) });
      expect((await ask(listener, 'join_conversation', conversationId)).ok).toBe(true);
      const heard = record(listener);
      const { messages } = t.sb().services;
      const input = { conversationId, content: 'only once', contentType: 'text' as const, clientMessageId: 'retry-1' };
      const before = await flushes(t);
      const [a, b] = await Promise.all([messages.send(agent(tenant), input), messages.send(agent(tenant), input)]);
      expect((await flushes(t)) - before).toBe(1);
      expect(a.message.id).toBe(b.message.id);
      expect([a.created, b.created]).toEqual([true, false]);
      // And across flushes, over the socket.
      const sender = await t.connect({ token: await t.token({ sub: `${tenant}-agent`, accountId: tenant, role: 'agent' }) });
      expect((await ask(sender, 'send_message', input)).data.id).toBe(a.message.id);
      const count = await t
        .sb()
        .services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE account_id = $1', [tenant]);
      expect(count[0]!.n).toBe(1);
      await settled(listener);
      expect(heard.filter((e) => e.event === 'new_message')).toHaveLength(1);
    });

    it('two customer messages in one flush reopen a resolved conversation once', async () => {
      const tenant = 'wp-reopen';
      const conversationId = await conversationFor(t, tenant, 'wp-reopen-cust');
      const { messages, conversations, db } = t.sb().services;
      await conversations.updateStatus(agent(tenant), conversationId, 'RESOLVED');
      const customer: Actor = { userId: 'wp-reopen-cust', accountId: tenant, role: 'customer', teamIds: [] };
      const before = await flushes(t);
      const [a, b] = await Promise.all([
        messages.send(customer, { conversationId, content: 'still broken', contentType: 'text' }),
        messages.send(customer, { conversationId, content: 'hello?', contentType: 'text' }),
      ]);
      expect((await flushes(t)) - before).toBe(1);
      expect([a.created, b.created]).toEqual([true, true]);
      const events = await db.query<{ type: string; status: string }>(
        "SELECT type, data->'conversation'->>'status' AS status FROM events WHERE account_id = $1 AND type <> 'conversation.created' ORDER BY seq",
        [tenant],
      );
      expect(events).toEqual([
        { type: 'conversation.status_changed', status: 'RESOLVED' },
        { type: 'message.created', status: 'OPEN' },
        { type: 'conversation.status_changed', status: 'OPEN' },
        { type: 'message.created', status: 'OPEN' },
      ]);
    });

    it('a revoked right stops the next send, whatever this node remembers', async () => {
      const tenant = 'wp-revoke';
      const conversationId = await conversationFor(t, tenant, 'wp-revoke-cust');
      const customer = await t.connect({ token: await t.token({ sub: 'wp-revoke-cust', accountId: tenant, role: 'customer' }) });
      expect((await ask(customer, 'send_message', { conversationId, content: 'first' })).ok).toBe(true);
      // The conversation is handed to another contact behind this node's back (another node, another system).
      await t
        .sb()
        .services.db.query('UPDATE conversations SET contact_id = $3 WHERE account_id = $1 AND id = $2', [
          tenant,
          conversationId,
          'wp-revoke-other',
        ]);
      expect((await ask(customer, 'send_message', { conversationId, content: 'second' })).error?.code).toBe('FORBIDDEN');
      // Now the node knows, and refuses without writing; the same over HTTP.
      expect((await ask(customer, 'send_message', { conversationId, content: 'third' })).error?.code).toBe('FORBIDDEN');
      const http = await t.http('POST', `/api/conversations/${conversationId}/messages`, {
        token: await t.token({ sub: 'wp-revoke-cust', accountId: tenant, role: 'customer' }),
        body: { content: 'fourth' },
      });
      expect(http.status).toBe(403);
      // The new contact may write at once: the cache refuses only what the facts refuse.
      const other = await t.connect({ token: await t.token({ sub: 'wp-revoke-other', accountId: tenant, role: 'customer' }) });
      expect((await ask(other, 'send_message', { conversationId, content: 'mine now' })).ok).toBe(true);
      const stored = await t
        .sb()
        .services.db.query<{ content: string }>('SELECT content FROM messages WHERE account_id = $1 ORDER BY created_at', [tenant]);
      expect(stored.map((m) => m.content)).toEqual(['first', 'mine now']);
    });
  },
  { RATE_LIMIT_POINTS: 100_000 },
);
