import { Message } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import {
  ConversationEventsRepo,
  ConversationsRepo,
  type InsertMessageInput,
  MessagesRepo,
  ReceiptsRepo,
  repositories,
  TicketsRepo,
} from '../../src/storage/index';
import { appendMessages } from '../../src/storage/repos/message-batch';
import { forEachEngine, uniqueAccountId } from '../support/databases';

forEachEngine('messages', ({ db, kind }) => {
  async function conversation(accountId = uniqueAccountId()) {
    const c = await new ConversationsRepo(db()).create({ accountId, contactId: 'cust-1' });
    return { accountId, conversationId: c.id };
  }
  const insert = async (input: InsertMessageInput) => (await new MessagesRepo(db()).append(input, null))?.message ?? null;
  const text = (base: { accountId: string; conversationId: string }, over: Partial<InsertMessageInput> = {}): InsertMessageInput => ({
    ...base,
    role: 'USER',
    senderId: 'cust-1',
    content: 'hello',
    ...over,
  });

  it('stores a message in the wire shape', async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const result = await messages.append(text(base, { clientMessageId: 'c-1', confidence: 0.5, latencyMs: 120 }), null);
    expect(result?.created).toBe(true);
    const m = result!.message;
    expect(Message.strict().parse(m)).toEqual(m);
    expect(m).toMatchObject({
      ...base,
      role: 'USER',
      content: 'hello',
      contentType: 'text',
      status: 'sent',
      clientMessageId: 'c-1',
      confidence: 0.5,
      latencyMs: 120,
    });
    expect(await messages.get(base.accountId, m.id)).toEqual(m);
  });

  it("refuses to store into, or read from, another tenant's conversation", async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const intruder = uniqueAccountId();
    expect(await messages.append(text({ accountId: intruder, conversationId: base.conversationId }), null)).toBeNull();
    const m = (await insert(text(base)))!;
    expect(await messages.get(intruder, m.id)).toBeNull();
    expect(await messages.listAfter(intruder, base.conversationId)).toEqual([]);
    expect(await messages.setStatus(intruder, m.id, 'read')).toBeNull();
    expect((await messages.get(base.accountId, m.id))?.status).toBe('sent');
  });

  it('returns the stored message for a retried clientMessageId, under concurrency', async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => messages.append(text(base, { clientMessageId: 'retry-1', content: `attempt ${i}` }), null)),
    );
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r?.message.id)).size).toBe(1);
    expect(results.every((r) => r?.message.content === results.find((x) => x?.created)?.message.content)).toBe(true);
    expect(await messages.listAfter(base.accountId, base.conversationId)).toHaveLength(1);
  });

  it('is idempotent inside concurrent transactions too, with no aborted transaction', async () => {
    const base = await conversation();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        db().transaction(async (tx) => {
          const r = repositories(tx);
          const res = await r.messages.append(text(base, { clientMessageId: 'tx-retry' }), null);
          // The transaction must still be usable after a duplicate.
          await r.conversations.touchLastMessage(base.accountId, base.conversationId, res!.message.createdAt);
          return res;
        }),
      ),
    );
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r?.message.id)).size).toBe(1);
  });

  it('deduplicates on externalId per account, and lets the same clientMessageId live in two conversations', async () => {
    const messages = new MessagesRepo(db());
    const a = await conversation();
    const b = await conversation(a.accountId);
    const first = await messages.append(text(a, { externalId: 'wamid.1', clientMessageId: 'same' }), null);
    const again = await messages.append(text(b, { externalId: 'wamid.1' }), null);
    expect(again).toMatchObject({ message: first!.message, created: false });
    expect(await messages.findByExternalId(a.accountId, 'wamid.1')).toEqual(first!.message);
    const other = await messages.append(text(b, { clientMessageId: 'same' }), null);
    expect(other?.created).toBe(true);
  });

  it('moves the conversation on, writes its audit row and says whether a ticket wraps it, in the same statement', async () => {
    const base = await conversation();
    const messages = new MessagesRepo(db());
    const first = await messages.append(text(base, { clientMessageId: 'book-1' }), 'cust-1');
    expect(first).toMatchObject({ created: true, ticketed: false });
    expect(first!.conversation).toMatchObject({ id: base.conversationId, lastMessageAt: first!.message.createdAt });
    expect(await new ConversationsRepo(db()).get(base.accountId, base.conversationId)).toEqual(first!.conversation);

    await new TicketsRepo(db()).create({
      accountId: base.accountId,
      conversationId: base.conversationId,
      subject: 'wrapped',
      priority: 'high',
    });
    const second = await messages.append(text(base, { content: 'again' }), 'cust-1');
    expect(second).toMatchObject({ created: true, ticketed: true });

    // A retry writes nothing: no second message, no second audit row.
    const retry = await messages.append(text(base, { clientMessageId: 'book-1', content: 'retried' }), 'cust-1');
    expect(retry).toMatchObject({ created: false, conversation: null, message: first!.message });
    const audit = await new ConversationEventsRepo(db()).list(base.accountId, base.conversationId);
    expect(audit.filter((e) => e.type === 'message').map((e) => [e.actorId, e.data])).toEqual([
      ['cust-1', { messageId: first!.message.id, role: 'USER' }],
      ['cust-1', { messageId: second!.message.id, role: 'USER' }],
    ]);
  });

  it("reads a batch's conversations by key, however many the tenant has", async () => {
    const accountId = uniqueAccountId();
    await db().query(
      `INSERT INTO conversations (id, account_id, contact_id) SELECT $1 || '-' || g, $1, 'cust-' || g FROM generate_series(1, 3000) g`,
      [accountId],
    );
    // PostgreSQL's autovacuum would have analysed the table by now; PGlite never does, and is tested as it is.
    if (kind === 'postgres') await db().query('ANALYZE conversations');
    const plans: string[] = [];
    // The statement's plan with these parameters, not run: a scan of the table would read every conversation on each flush.
    const explain = {
      query: async <T>(text: string, params?: readonly unknown[]) => {
        const rows = await db().query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, params);
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
        return [] as T[];
      },
    };
    const inputs = [1, 2, 3].map((n) => ({
      ...text({ accountId, conversationId: `${accountId}-${n}` }),
      clientMessageId: `k-${n}`,
      actorId: 'cust-1',
      requiredContactId: null,
    }));
    await appendMessages(explain, inputs);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/on conversations/);
    expect(plans[0]).not.toMatch(/Seq Scan on conversations/);
  });

  it('pages forwards and backwards in insertion order', async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await insert(text(base, { content: `m${i}` })))!.id);
    const all = await messages.listAfter(base.accountId, base.conversationId);
    expect(all.map((m) => m.id)).toEqual(ids);
    expect((await messages.listAfter(base.accountId, base.conversationId, { afterId: ids[2], limit: 3 })).map((m) => m.content)).toEqual([
      'm3',
      'm4',
      'm5',
    ]);
    expect(await messages.listAfter(base.accountId, base.conversationId, { afterId: ids[6] })).toEqual([]);
    expect(await messages.listAfter(base.accountId, base.conversationId, { afterId: 'not-a-message' })).toEqual([]);
    expect((await messages.listBefore(base.accountId, base.conversationId, { limit: 2 })).map((m) => m.content)).toEqual(['m5', 'm6']);
    expect((await messages.listBefore(base.accountId, base.conversationId, { beforeId: ids[3], limit: 2 })).map((m) => m.content)).toEqual([
      'm1',
      'm2',
    ]);
  });

  it('keeps concurrent sends to one conversation in commit order', async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    await Promise.all(Array.from({ length: 20 }, (_, i) => insert(text(base, { content: `p${i}` }))));
    const listed = await messages.listAfter(base.accountId, base.conversationId, { limit: 100 });
    expect(listed).toHaveLength(20);
    const times = listed.map((m) => m.createdAt);
    expect([...times].sort()).toEqual(times);
  });

  it('moves the delivery status forward only', async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const m = (await insert(text(base)))!;
    expect(await messages.setStatus(base.accountId, m.id, 'delivered')).toMatchObject({ changed: true, message: { status: 'delivered' } });
    expect(await messages.setStatus(base.accountId, m.id, 'delivered')).toMatchObject({ changed: false });
    expect(await messages.setStatus(base.accountId, m.id, 'read')).toMatchObject({ changed: true, message: { status: 'read' } });
    expect(await messages.setStatus(base.accountId, m.id, 'delivered')).toMatchObject({ changed: false, message: { status: 'read' } });
    expect(await messages.setStatus(base.accountId, m.id, 'sent')).toMatchObject({ changed: false, message: { status: 'read' } });
    expect(await messages.setStatus(base.accountId, 'missing', 'read')).toBeNull();
  });

  it("advances everything up to a message, except the reader's own", async () => {
    const messages = new MessagesRepo(db());
    const base = await conversation();
    const m1 = (await insert(text(base)))!;
    const mine = (await insert(text(base, { role: 'HUMAN_AGENT', senderId: 'agent-1' })))!;
    const m3 = (await insert(text(base)))!;
    const m4 = (await insert(text(base)))!;
    await messages.setStatus(base.accountId, m1.id, 'read');
    const moved = await messages.advanceStatusUpTo(base.accountId, base.conversationId, m3.id, 'read', 'agent-1');
    expect(moved).toEqual([m3.id]);
    expect((await messages.get(base.accountId, mine.id))?.status).toBe('sent');
    expect((await messages.get(base.accountId, m4.id))?.status).toBe('sent');
  });
});

forEachEngine('receipts', ({ db }) => {
  const insert = async (input: InsertMessageInput) => (await new MessagesRepo(db()).append(input, null))?.message ?? null;
  it('records each receipt once per recipient and status, within the tenant only', async () => {
    const accountId = uniqueAccountId();
    const c = await new ConversationsRepo(db()).create({ accountId });
    const m = (await insert({ accountId, conversationId: c.id, role: 'USER', content: 'hi' }))!;
    const receipts = new ReceiptsRepo(db());
    expect(await receipts.record(accountId, m.id, 'agent-1', 'delivered')).toBe(true);
    expect(await receipts.record(accountId, m.id, 'agent-1', 'delivered')).toBe(false);
    expect(await receipts.record(accountId, m.id, 'agent-1', 'read')).toBe(true);
    expect(await receipts.record(accountId, m.id, 'agent-2', 'delivered')).toBe(true);
    expect(await receipts.record(uniqueAccountId(), m.id, 'agent-3', 'read')).toBe(false);
    expect(await receipts.record(accountId, 'missing', 'agent-3', 'read')).toBe(false);
    const listed = await receipts.listForMessage(accountId, m.id);
    expect(listed.map((r) => `${r.userId}:${r.status}`).sort()).toEqual(['agent-1:delivered', 'agent-1:read', 'agent-2:delivered']);
    expect(await receipts.listForMessage(uniqueAccountId(), m.id)).toEqual([]);
  });

  it('counts one new receipt when the same one arrives concurrently', async () => {
    const accountId = uniqueAccountId();
    const c = await new ConversationsRepo(db()).create({ accountId });
    const m = (await insert({ accountId, conversationId: c.id, role: 'USER', content: 'hi' }))!;
    const receipts = new ReceiptsRepo(db());
    const results = await Promise.all(Array.from({ length: 10 }, () => receipts.record(accountId, m.id, 'agent-1', 'read')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
