import { performance } from 'node:perf_hooks';

import { expect, it } from 'vitest';

import type { Actor } from '../../src/access/policy';
import { ConversationService } from '../../src/domain/conversation-service';
import type { LoggedEvent } from '../../src/domain/domain-event';
import { MessageService, type SendResult } from '../../src/domain/message-service';
import type { Publisher } from '../../src/domain/publisher';
import { ConversationsRepo } from '../../src/storage/repos/conversations';
import { forEachEngine, uniqueAccountId } from '../support/databases';

/**
 * The write pipeline with two flushes in flight (PostgreSQL's default; forced here on both engines,
 * and with no queue needed before the second starts): acks still come after their commit, and a
 * reader tailing an account's log by seq while the flushes overlap never sees a later seq before an
 * earlier one, which is what "seq follows commit order" is for (a cursor past a hole would skip it).
 */
const WAVES = 20;
const PER_WAVE = 30;
const MAX_BATCH = 30;

forEachEngine('overlapping flushes', ({ db, kind }) => {
  it('keep seq in commit order per account, ack after commit, and store each send once', async () => {
    const accounts = [uniqueAccountId('ovl'), uniqueAccountId('ovl')];
    const conversations = await Promise.all(
      accounts.flatMap((accountId) =>
        Array.from({ length: 8 }, (_, i) => new ConversationsRepo(db()).create({ accountId, contactId: `cust-${i}` })),
      ),
    );
    const published: LoggedEvent[] = [];
    const publisher: Publisher = { publish: (e) => void published.push(e), signal: () => undefined };
    const flushes: Array<[number, number]> = [];
    const service = new MessageService(db(), publisher, new ConversationService(db(), publisher), {
      maxInFlight: 2,
      overlapAt: 1,
      maxBatch: MAX_BATCH,
      onFlush: (_sends, ms) => void flushes.push([performance.now() - ms, performance.now()]),
    });

    // Tails each account's log by seq, as replay and /api/updates do, while the sends run.
    const seenByAccount = new Map<string, number[]>(accounts.map((a) => [a, []]));
    let tailing = true;
    const tail = (async () => {
      while (tailing) {
        for (const accountId of accounts) {
          const seen = seenByAccount.get(accountId)!;
          const after = seen.at(-1) ?? 0;
          const rows = await db().query<{ seq: number }>('SELECT seq FROM events WHERE account_id = $1 AND seq > $2 ORDER BY seq', [
            accountId,
            after,
          ]);
          seen.push(...rows.map((r) => Number(r.seq)));
        }
        // A turn of the event loop between polls: PGlite answers without one, and the pipeline starts flushes in setImmediate.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();

    // Sends arrive over many turns of the event loop, so flushes of all sizes overlap. Each wave
    // writes to one half of each account's conversations and the next wave to the other half, so
    // overlapping flushes share accounts but not conversation rows: only the account's append lock
    // orders them.
    const target = (wave: number, n: number) => conversations[Math.floor((2 * n) / PER_WAVE) * 8 + (wave % 2) * 4 + (n % 4)]!;
    const acked: Array<Promise<SendResult>> = [];
    const visibleAtAck: boolean[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      for (let n = 0; n < PER_WAVE; n++) {
        const conversation = target(wave, n);
        const actor: Actor = { userId: `agent-${n % 3}`, accountId: conversation.accountId, role: 'agent', teamIds: [] };
        const sent = service.send(actor, {
          conversationId: conversation.id,
          content: `wave ${wave} send ${n}`,
          contentType: 'text',
          clientMessageId: `w${wave}-n${n}`,
        });
        acked.push(
          sent.then(async (result) => {
            // Answered only after the commit: another connection sees the message at once.
            const rows = await db().query('SELECT 1 FROM messages WHERE id = $1', [result.message.id]);
            visibleAtAck.push(rows.length === 1);
            return result;
          }),
        );
        // A retry of the previous wave's send, possibly in a flush overlapping the original's.
        if (n % 10 === 0 && wave > 0) {
          const original = target(wave - 1, n);
          acked.push(
            service.send(
              { ...actor, accountId: original.accountId },
              { conversationId: original.id, content: 'retry', contentType: 'text', clientMessageId: `w${wave - 1}-n${n}` },
            ),
          );
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(acked);
    await service.drain();
    tailing = false;
    await tail;
    for (const accountId of accounts) {
      const seen = seenByAccount.get(accountId)!;
      const after = seen.at(-1) ?? 0;
      const rest = await db().query<{ seq: number }>('SELECT seq FROM events WHERE account_id = $1 AND seq > $2 ORDER BY seq', [
        accountId,
        after,
      ]);
      seen.push(...rest.map((r) => Number(r.seq)));
    }

    // Some flush started before the previous one had ended. (PGlite answers on this thread without
    // waiting for anything, so there a flush has ended before the next turn starts another.)
    const overlapped = flushes.sort((a, b) => a[0] - b[0]).filter((f, i) => i > 0 && f[0] < flushes[i - 1]![1]);
    if (kind === 'postgres') expect(overlapped.length).toBeGreaterThan(0);
    expect(visibleAtAck).toHaveLength(WAVES * PER_WAVE);
    expect(visibleAtAck.every(Boolean)).toBe(true);
    expect(results.filter((r) => r.created)).toHaveLength(WAVES * PER_WAVE);
    // Two sends with one key are one message, whichever flush committed first: both answered with it, one created.
    const byKey = new Map<string, SendResult[]>();
    for (const r of results) {
      const key = `${r.message.conversationId}/${r.message.clientMessageId}`;
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    expect(byKey.size).toBe(WAVES * PER_WAVE);
    for (const answers of byKey.values()) {
      expect(new Set(answers.map((a) => a.message.id)).size).toBe(1);
      expect(answers.filter((a) => a.created)).toHaveLength(1);
    }
    for (const accountId of accounts) {
      const chain = await db().query<{ seq: number; prev_seq: number | null }>(
        'SELECT seq, prev_seq FROM events WHERE account_id = $1 ORDER BY seq',
        [accountId],
      );
      // The tailer saw every event of the account, each once, in seq order: no seq became visible before an earlier one.
      expect(seenByAccount.get(accountId)).toEqual(chain.map((r) => Number(r.seq)));
      chain.forEach((row, i) =>
        expect(row.prev_seq === null ? null : Number(row.prev_seq)).toBe(i === 0 ? null : Number(chain[i - 1]!.seq)),
      );
      const stored = await db().query<{ n: number; keys: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT (conversation_id, client_message_id))::int AS keys FROM messages WHERE account_id = $1',
        [accountId],
      );
      expect(stored[0]).toEqual({ n: (WAVES * PER_WAVE) / 2, keys: (WAVES * PER_WAVE) / 2 });
    }
    // Every event was handed to the publisher once.
    expect(new Set(published.map((e) => e.seq)).size).toBe(published.length);
    expect(published.filter((e) => e.type === 'message.created')).toHaveLength(WAVES * PER_WAVE);
  }, 60_000);
  it('keep each conversation in order when flushes overlap on one account: its sends are logged and stored in the order they were sent', async () => {
    const accountId = uniqueAccountId('ovl');
    const conversations = await Promise.all(
      Array.from({ length: 6 }, (_, i) => new ConversationsRepo(db()).create({ accountId, contactId: `cust-${i}` })),
    );
    const publisher: Publisher = { publish: () => undefined, signal: () => undefined };
    const flushes: Array<[number, number]> = [];
    const service = new MessageService(db(), publisher, new ConversationService(db(), publisher), {
      maxInFlight: 2,
      overlapAt: 1,
      maxBatch: 8,
      onFlush: (_sends, ms) => void flushes.push([performance.now() - ms, performance.now()]),
    });
    // Sends land on the conversations at random, so a flush in flight holds some of them and the
    // next sends go to both held and free ones.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sentTo = new Map<string, string[]>(conversations.map((c) => [c.id, []]));
    const acked: Array<Promise<SendResult>> = [];
    for (let turn = 0; turn < 30; turn++) {
      for (let n = 0; n < 12; n++) {
        const conversation = conversations[Math.floor(random() * conversations.length)]!;
        const content = `t${turn}-n${n}`;
        sentTo.get(conversation.id)!.push(content);
        acked.push(
          service.send(
            { userId: 'agent-1', accountId, role: 'agent', teamIds: [] },
            { conversationId: conversation.id, content, contentType: 'text', clientMessageId: content },
          ),
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(acked);
    await service.drain();

    const overlapped = flushes.sort((a, b) => a[0] - b[0]).filter((f, i) => i > 0 && f[0] < flushes[i - 1]![1]);
    if (kind === 'postgres') expect(overlapped.length).toBeGreaterThan(0);
    for (const conversation of conversations) {
      const logged = await db().query<{ content: string; created_at: string }>(
        `SELECT data->'message'->>'content' AS content, data->'message'->>'createdAt' AS created_at
         FROM events WHERE account_id = $1 AND conversation_id = $2 AND type = 'message.created' ORDER BY seq`,
        [accountId, conversation.id],
      );
      // Logged (seq) in the order sent, and stored with times that never go back along it.
      expect(logged.map((r) => r.content)).toEqual(sentTo.get(conversation.id));
      const times = logged.map((r) => r.created_at);
      expect([...times].sort()).toEqual(times);
    }
  }, 60_000);
});
