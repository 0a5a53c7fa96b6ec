import { expect, it } from 'vitest';

import type { Actor } from '../../src/access/policy';
import type { LoggedEvent } from '../../src/domain/domain-event';
import { fromLogRow } from '../../src/domain/event-log';
import type { Settled } from '../../src/domain/group-commit';
import type { SendResult } from '../../src/domain/message-service';
import { MessageWriter, type SendJob } from '../../src/domain/message-writer';
import type { Publisher } from '../../src/domain/publisher';
import { AppError } from '../../src/errors';
import type { Db, Queryable } from '../../src/storage/db';
import { newId } from '../../src/storage/ids';
import { ConversationsRepo } from '../../src/storage/repos/conversations';
import { TicketsRepo } from '../../src/storage/repos/tickets';
import { forEachEngine, uniqueAccountId } from '../support/databases';

/** The Db, counting what the write pipeline sends it: statements on their own and transactions. */
function counted(db: Db): { db: Db; statements: number; transactions: number } {
  const counts = { db: db, statements: 0, transactions: 0 };
  counts.db = {
    kind: db.kind,
    query: <T>(text: string, params?: readonly unknown[]) => {
      counts.statements++;
      return db.query<T>(text, params);
    },
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
      counts.transactions++;
      return db.transaction(fn);
    },
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return counts;
}

function collecting(): { publisher: Publisher; published: LoggedEvent[] } {
  const published: LoggedEvent[] = [];
  return { published, publisher: { publish: (e) => published.push(e), signal: () => undefined } };
}

const codeOf = (s: Settled<SendResult>) =>
  s.ok ? (s.value.created ? 'created' : 'duplicate') : s.error instanceof AppError ? s.error.code : s.error;

/** The write pipeline's flush in one statement (docs/decisions.md, "PostgreSQL: a flush in one statement"). */
forEachEngine('a flush in one statement', ({ db }) => {
  it('writes a batch in one statement, with per-send outcomes, and logs exactly the events it publishes', async () => {
    const accountId = uniqueAccountId('one');
    const other = uniqueAccountId('one-b');
    const conversations = new ConversationsRepo(db());
    const ticketed = await conversations.create({ accountId, contactId: 'cust-1', subject: 'Refund', teamId: 'team-1' });
    await conversations.setClassification(accountId, ticketed.id, {
      priority: 'high',
      sentiment: 'negative',
      category: 'billing',
      language: 'en',
      confidence: 0.83,
    });
    await new TicketsRepo(db()).create({ accountId, subject: 'Refund', conversationId: ticketed.id });
    const plain = await conversations.create({ accountId, contactId: 'cust-2' });
    const elsewhere = await conversations.create({ accountId: other, contactId: 'cust-3' });
    const agent: Actor = { userId: 'agent-1', accountId, role: 'agent', teamIds: [] };
    const customer: Actor = { userId: 'cust-2', accountId, role: 'customer', teamIds: [] };
    const stranger: Actor = { userId: 'cust-9', accountId, role: 'customer', teamIds: [] };
    const attachment = { id: newId(), name: 'receipt.png', contentType: 'image/png', size: 1234, kind: 'image' as const };

    // A first flush stores what a later one retries.
    const first = counted(db());
    const { publisher, published } = collecting();
    const earlier = await new MessageWriter(first.db, publisher).flush([
      {
        actor: agent,
        role: 'HUMAN_AGENT',
        input: { conversationId: plain.id, content: 'earlier', contentType: 'text', clientMessageId: 'k-1' },
      },
    ]);
    expect(earlier.map(codeOf)).toEqual(['created']);
    expect([first.statements, first.transactions]).toEqual([1, 0]);

    const jobs: SendJob[] = [
      {
        actor: agent,
        role: 'HUMAN_AGENT',
        input: { conversationId: ticketed.id, content: 'with a file', contentType: 'image', mediaUrl: null, attachments: [attachment] },
      },
      { actor: customer, role: 'USER', input: { conversationId: plain.id, content: 'mine', contentType: 'text', clientMessageId: 'k-2' } },
      { actor: stranger, role: 'USER', input: { conversationId: plain.id, content: 'not mine', contentType: 'text' } },
      { actor: agent, role: 'HUMAN_AGENT', input: { conversationId: newId(), content: 'nowhere', contentType: 'text' } },
      // A retry of the first flush's send: the stored message, no event.
      {
        actor: agent,
        role: 'HUMAN_AGENT',
        input: { conversationId: plain.id, content: 'earlier', contentType: 'text', clientMessageId: 'k-1' },
      },
      {
        actor: { ...agent, userId: 'ai' },
        role: 'ASSISTANT',
        input: {
          conversationId: ticketed.id,
          content: 'an answer',
          contentType: 'text',
          confidence: 0.7,
          latencyMs: 412,
          externalId: 'x-1',
        },
      },
      // A retry inside the flush.
      { actor: customer, role: 'USER', input: { conversationId: plain.id, content: 'mine', contentType: 'text', clientMessageId: 'k-2' } },
      {
        actor: { ...agent, accountId: other },
        role: 'HUMAN_AGENT',
        input: { conversationId: elsewhere.id, content: 'other tenant', contentType: 'text' },
      },
    ];
    const counts = counted(db());
    const results = await new MessageWriter(counts.db, publisher).flush(jobs);
    expect(results.map(codeOf)).toEqual(['created', 'created', 'FORBIDDEN', 'NOT_FOUND', 'duplicate', 'created', 'duplicate', 'created']);
    // One statement for the batch and one to look up the retry of an earlier flush; no transaction.
    expect([counts.statements, counts.transactions]).toEqual([2, 0]);
    const ok = results.map((r) => (r.ok ? r.value.message : null));
    expect(ok[4]!.id).toBe((earlier[0] as { ok: true; value: SendResult }).value.message.id);
    expect(ok[6]!.id).toBe(ok[1]!.id);

    const mine = published.filter((e) => e.accountId === accountId || e.accountId === other).slice(1);
    expect(mine.map((e) => (e.type === 'message.created' ? e.message.content : e.type))).toEqual([
      'with a file',
      'mine',
      'an answer',
      'other tenant',
    ]);
    // What replay and /api/updates read back is what was published, field for field.
    const rows = await db().query<{ seq: number; prev_seq: number | null; id: string; created_at: Date; data: unknown }>(
      'SELECT seq, prev_seq, id, created_at, data FROM events WHERE id = ANY($1::text[]) ORDER BY seq',
      [mine.map((e) => e.eventId)],
    );
    const read = rows.map((r) =>
      fromLogRow({ seq: r.seq, prevSeq: r.prev_seq, id: r.id, createdAt: new Date(r.created_at).toISOString(), data: r.data }),
    );
    expect(read).toEqual(mine);
    const [withFile, , answer] = mine as Array<Extract<LoggedEvent, { type: 'message.created' }>>;
    expect(withFile!.message.attachments).toEqual([attachment]);
    expect(withFile!.ticketed).toBe(true);
    expect(withFile!.conversation).toMatchObject({
      subject: 'Refund',
      teamId: 'team-1',
      classification: { category: 'billing', confidence: 0.83 },
    });
    expect(answer!.message).toMatchObject({ role: 'ASSISTANT', senderId: null, confidence: 0.7, latencyMs: 412, externalId: 'x-1' });
    // The conversation as of each message, and as stored.
    expect(answer!.conversation.lastMessageAt).toBe(answer!.message.createdAt);
    expect(await conversations.get(accountId, ticketed.id)).toEqual(answer!.conversation);
    // Each account's chain: in seq order, each naming the one before.
    const chain = await db().query<{ seq: number; prev_seq: number | null }>(
      'SELECT seq, prev_seq FROM events WHERE account_id = $1 ORDER BY seq',
      [accountId],
    );
    chain.forEach((row, i) => expect(row.prev_seq).toBe(i === 0 ? null : chain[i - 1]!.seq));
    // Messages as stored are the messages answered.
    const stored = await db().query<{ id: string; created_at: Date }>('SELECT id, created_at FROM messages WHERE id = ANY($1::text[])', [
      ok.filter((m) => m !== null).map((m) => m.id),
    ]);
    for (const m of ok) if (m) expect(new Date(stored.find((s) => s.id === m.id)!.created_at).toISOString()).toBe(m.createdAt);
  });

  it('a batch with one bad send commits the others in one-statement flushes, and only the bad send fails', async () => {
    const accountId = uniqueAccountId('one-bad');
    const conversation = await new ConversationsRepo(db()).create({ accountId, contactId: 'cust-1' });
    const agent: Actor = { userId: 'agent-1', accountId, role: 'agent', teamIds: [] };
    const send = (content: string): SendJob => ({
      actor: agent,
      role: 'HUMAN_AGENT',
      input: { conversationId: conversation.id, content, contentType: 'text' },
    });
    const counts = counted(db());
    const { publisher, published } = collecting();
    const results = await new MessageWriter(counts.db, publisher).flush([send('good 1'), send('bad \u0000 byte'), send('good 2')]);
    expect(results.map(codeOf)).toEqual(['created', 'VALIDATION_FAILED', 'created']);
    // The batch's statement, refused, then one statement per send; never a transaction.
    expect([counts.statements, counts.transactions]).toEqual([4, 0]);
    expect(published.map((e) => (e.type === 'message.created' ? e.message.content : e.type))).toEqual(['good 1', 'good 2']);
    const stored = await db().query<{ content: string }>('SELECT content FROM messages WHERE account_id = $1 ORDER BY created_at, id', [
      accountId,
    ]);
    expect(stored.map((m) => m.content)).toEqual(['good 1', 'good 2']);
  });

  it("takes the transaction when a customer's message reopens a resolved conversation, having written nothing first", async () => {
    const accountId = uniqueAccountId('one-reopen');
    const conversations = new ConversationsRepo(db());
    const resolved = await conversations.create({ accountId, contactId: 'cust-1', status: 'RESOLVED' });
    const open = await conversations.create({ accountId, contactId: 'cust-2' });
    const counts = counted(db());
    const { publisher, published } = collecting();
    const results = await new MessageWriter(counts.db, publisher).flush([
      {
        actor: { userId: 'agent-1', accountId, role: 'agent', teamIds: [] },
        role: 'HUMAN_AGENT',
        input: { conversationId: open.id, content: 'hi', contentType: 'text' },
      },
      {
        actor: { userId: 'cust-1', accountId, role: 'customer', teamIds: [] },
        role: 'USER',
        input: { conversationId: resolved.id, content: 'again', contentType: 'text' },
      },
    ]);
    expect(results.map(codeOf)).toEqual(['created', 'created']);
    expect([counts.statements, counts.transactions]).toEqual([1, 1]);
    expect(published.map((e) => e.type)).toEqual(['message.created', 'message.created', 'conversation.status_changed']);
    const stored = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE account_id = $1', [accountId]);
    expect(stored[0]!.n).toBe(2);
    expect((await conversations.get(accountId, resolved.id))!.status).toBe('OPEN');
  });

  it('refuses to delete or re-key a conversation that has messages, as the dropped foreign keys did (migration 010)', async () => {
    const accountId = uniqueAccountId('one-kept');
    const conversations = new ConversationsRepo(db());
    const written = await conversations.create({ accountId, contactId: 'cust-1' });
    const empty = await conversations.create({ accountId, contactId: 'cust-2' });
    const { publisher } = collecting();
    const results = await new MessageWriter(db(), publisher).flush([
      {
        actor: { userId: 'agent-1', accountId, role: 'agent', teamIds: [] },
        role: 'HUMAN_AGENT',
        input: { conversationId: written.id, content: 'kept', contentType: 'text' },
      },
    ]);
    expect(results.map(codeOf)).toEqual(['created']);
    // No per-row key checks on the flush's inserts: the refusals below come from the trigger.
    const keys = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND confrelid = 'conversations'::regclass
         AND conrelid IN ('messages'::regclass, 'conversation_events'::regclass)`,
    );
    expect(keys[0]!.n).toBe(0);
    const refused = { name: 'StorageError', kind: 'foreign_key_violation', code: '23503' };
    await expect(db().query('DELETE FROM conversations WHERE id = $1', [written.id])).rejects.toMatchObject(refused);
    await expect(db().query('UPDATE conversations SET id = $2 WHERE id = $1', [written.id, newId()])).rejects.toMatchObject(refused);
    await expect(
      db().query('UPDATE conversations SET account_id = $2 WHERE id = $1', [written.id, uniqueAccountId('one-kept-b')]),
    ).rejects.toMatchObject(refused);
    // Other updates of it, and a conversation without messages or audit rows, are not held back.
    await db().query("UPDATE conversations SET subject = 'still here' WHERE id = $1", [written.id]);
    await db().query('DELETE FROM conversations WHERE id = $1', [empty.id]);
    expect(await conversations.get(accountId, empty.id)).toBeNull();
    expect((await conversations.get(accountId, written.id))!.subject).toBe('still here');
  });
});
