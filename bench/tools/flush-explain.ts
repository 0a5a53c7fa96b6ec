/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of the write pipeline's one-statement flush (storage/repos/message-flush.ts)
 * on PostgreSQL, at given batch sizes, as the ingest bench writes: one tenant, 100 conversations, each
 * a customer of its own sending into it. Each batch size is warmed up by real flushes first (so the
 * tables and indexes have the size of a few seconds of ingest), then one more flush of that size is
 * run under EXPLAIN ANALYZE (it executes and commits like any flush) and its plan printed, with the
 * per-node times, the constraint triggers and the buffers.
 *
 *   npx tsx bench/tools/flush-explain.ts [batches=16,64,256] [warm-up messages=20000] [variant SQL]
 *
 * `variant SQL` runs after the migrations (e.g. `DROP INDEX messages_content_fts_idx`).
 */
import { MessageWriter, type SendJob } from '../../packages/server/src/domain/message-writer';
import type { Publisher } from '../../packages/server/src/domain/publisher';
import { openDb, type Queryable } from '../../packages/server/src/storage/db';
import { AccountsRepo } from '../../packages/server/src/storage/repos/accounts';
import { ConversationsRepo } from '../../packages/server/src/storage/repos/conversations';
import { flushMessages } from '../../packages/server/src/storage/repos/message-flush';
import { createBenchDatabase } from '../core/bench-services';

const [batchesText = '16,64,256', warmText = '20000', variantSql = ''] = process.argv.slice(2);
const batches = batchesText.split(',').map(Number);
const warm = Number(warmText);
const CONVERSATIONS = 100;
const ACCOUNT = 'flush-explain';

async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  const db = await openDb({ databaseUrl: bench.url });
  try {
    await new AccountsRepo(db).ensure(ACCOUNT);
    const conversations: Array<{ id: string; customer: string }> = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const customer = `cust-${i}`;
      const c = await new ConversationsRepo(db).create({ accountId: ACCOUNT, contactId: customer });
      conversations.push({ id: c.id, customer });
    }
    if (variantSql) await db.query(variantSql);
    const publisher: Publisher = { publish: () => undefined, signal: () => undefined };
    const writer = new MessageWriter(db, publisher);
    let n = 0;
    const job = (): SendJob => {
      const c = conversations[n % CONVERSATIONS]!;
      n++;
      return {
        actor: { userId: c.customer, accountId: ACCOUNT, role: 'customer', teamIds: [] },
        role: 'USER',
        input: { conversationId: c.id, content: `#${n}# ` + 'x'.repeat(112), contentType: 'text', clientMessageId: `m-${n}` },
      };
    };
    for (const batch of batches) {
      for (let done = 0; done < warm; done += batch) {
        const outcomes = await writer.flush(Array.from({ length: batch }, job));
        if (outcomes.some((o) => !o.ok)) throw new Error('a send failed');
      }
      // The statement and its parameters as the writer would send them, run under EXPLAIN instead.
      let captured: { text: string; params: readonly unknown[] } | null = null;
      const recorder: Queryable = {
        query: (text, params) => {
          captured ??= { text, params: params ?? [] };
          throw new Error('captured');
        },
      };
      const jobs = Array.from({ length: batch }, job);
      await flushMessages(
        recorder,
        jobs.map((j) => ({
          accountId: ACCOUNT,
          conversationId: j.input.conversationId,
          role: 'USER' as const,
          senderId: j.actor.userId,
          content: j.input.content,
          contentType: 'text' as const,
          clientMessageId: j.input.clientMessageId ?? null,
          externalId: null,
          mediaUrl: null,
          attachments: null,
          confidence: null,
          latencyMs: null,
          actorId: j.actor.userId,
          requiredContactId: j.actor.userId,
        })),
      ).catch(() => undefined);
      if (!captured) throw new Error('no statement captured');
      const { text, params } = captured as { text: string; params: readonly unknown[] };
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
      console.log(`=== batch ${batch} (after ${warm} messages of warm-up)`);
      for (const line of plan) console.log(line['QUERY PLAN']);
    }
    const sizes = await db.query<{ name: string; size: string }>(
      `SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
       JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i', 't')
       AND pg_relation_size(c.oid) > 0 ORDER BY pg_relation_size(c.oid) DESC LIMIT 20`,
    );
    console.log('=== sizes');
    for (const s of sizes) console.log(`${s.size.padStart(10)}  ${s.name}`);
  } finally {
    await db.close();
    await bench.drop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
