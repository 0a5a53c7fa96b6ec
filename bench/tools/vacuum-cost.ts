/**
 * What VACUUM costs the embedded database, and what it buys: PGlite (on disk, like the server) is
 * filled through the real write pipeline (`MessageWriter.flush`, batches of `batch` sends over
 * `conversations` conversations in `tenants` accounts), then, on the one connection every send
 * waits behind:
 *
 * - table sizes and dead tuples (pg_stat_user_tables) before and after;
 * - the plans of the send path's two statements, the conversation list and the inbox fields, before
 *   and after ANALYZE (EXPLAIN through a Queryable that prefixes each statement);
 * - the wall time of `VACUUM (ANALYZE)` per table (each one a pause of the connection), then of
 *   `VACUUM (FREEZE)` per table, with age(relfrozenxid) and the cluster's oldest xid
 *   (pg_control_checkpoint) before and after;
 * - CPU per message of further flushes before and after the vacuum.
 *
 *   npx tsx bench/tools/vacuum-cost.ts [messages=100000] [conversations=2000] [tenants=20] [batch=10] [full|steady]
 *
 * `steady`: after the fill and one VACUUM (FREEZE) of everything, rounds of 5,000 messages each
 * followed by, alternately, plain VACUUM or VACUUM (FREEZE) of the three append-only tables and
 * ANALYZE at default_statistics_target 100 or 10, timed: what routine passes cost once caught up.
 * `job`: after the fill, the vacuum job's own pass (DbVacuum), then 3 rounds of 10,000 messages and a pass,
 * each pass's statements, its longest, and the longest event-loop delay during it (PGlite runs on the
 * server's thread, so a statement stalls everything the process does, not only the sends).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { systemClock } from '../../packages/server/src/clock';
import { MessageWriter, type SendJob } from '../../packages/server/src/domain/message-writer';
import type { Publisher } from '../../packages/server/src/domain/publisher';
import { type Db, openDb, type Queryable } from '../../packages/server/src/storage/db';
import { DbVacuum } from '../../packages/server/src/storage/db-vacuum';
import { AccountsRepo } from '../../packages/server/src/storage/repos/accounts';
import { ConversationsRepo } from '../../packages/server/src/storage/repos/conversations';
import { appendEvents } from '../../packages/server/src/storage/repos/event-log-batch';
import { InboxRepo } from '../../packages/server/src/storage/repos/inbox';
import { appendMessages } from '../../packages/server/src/storage/repos/message-batch';

const [messagesText = '100000', conversationsText = '2000', tenantsText = '20', batchText = '10', mode = 'full'] = process.argv.slice(2);
const MESSAGES = Number(messagesText);
const CONVERSATIONS = Number(conversationsText);
const TENANTS = Number(tenantsText);
const BATCH = Number(batchText);

interface TableStat {
  relname: string;
  n_live_tup: number;
  n_dead_tup: number;
  heap_kb: number;
  index_kb: number;
  frozen_age: number;
}

async function tableStats(db: Db): Promise<TableStat[]> {
  await db.query('SELECT pg_stat_force_next_flush()');
  await db.query('SELECT 1');
  return db.query<TableStat>(
    `SELECT s.relname, s.n_live_tup, s.n_dead_tup, pg_relation_size(s.relid) / 1024 AS heap_kb,
            pg_indexes_size(s.relid) / 1024 AS index_kb, age(c.relfrozenxid) AS frozen_age
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     ORDER BY pg_total_relation_size(s.relid)`,
  );
}

function printStats(label: string, stats: TableStat[]): void {
  console.log(`\n## ${label}`);
  for (const s of stats.filter((t) => t.n_live_tup + t.n_dead_tup > 0 || t.heap_kb > 8))
    console.log(
      `${s.relname.padEnd(22)} live ${String(s.n_live_tup).padStart(7)} dead ${String(s.n_dead_tup).padStart(7)} heap ${String(s.heap_kb).padStart(7)} kB idx ${String(s.index_kb).padStart(7)} kB age ${s.frozen_age}`,
    );
}

/** A Queryable that EXPLAINs each statement instead of running it and keeps the plans. */
function explaining(db: Db, plans: string[]): Queryable {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      return [];
    },
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vacuum-cost-'));
  const db = await openDb({ dataDir: dir, pgliteSharedBuffers: '32MB' });
  try {
    const conversations: Array<{ accountId: string; id: string }> = [];
    for (let t = 0; t < TENANTS; t++) await new AccountsRepo(db).ensure(`vac-${t}`);
    for (let i = 0; i < CONVERSATIONS; i++) {
      const accountId = `vac-${i % TENANTS}`;
      const c = await new ConversationsRepo(db).create({ accountId, contactId: `cust-${i}` });
      conversations.push({ accountId, id: c.id });
    }
    const publisher: Publisher = { publish: () => undefined, signal: () => undefined };
    const writer = new MessageWriter(db, publisher);
    let n = 0;
    const job = (): SendJob => {
      const c = conversations[(n * 7919) % CONVERSATIONS]!;
      n++;
      return {
        actor: { userId: `agent-${n % 50}`, accountId: c.accountId, role: 'agent', teamIds: [] },
        role: 'HUMAN_AGENT',
        input: { conversationId: c.id, content: `#${n}# ` + 'x'.repeat(112), contentType: 'text', clientMessageId: `m-${n}` },
      };
    };
    const flushCpu = async (count: number): Promise<number> => {
      const cpu0 = process.cpuUsage();
      for (let done = 0; done < count; done += BATCH) await writer.flush(Array.from({ length: BATCH }, job));
      const cpu = process.cpuUsage(cpu0);
      return (cpu.user + cpu.system) / 1000 / count;
    };
    const t0 = performance.now();
    await flushCpu(MESSAGES);
    console.log(
      `filled ${MESSAGES} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s; load ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    if (mode === 'job') {
      const vacuum = new DbVacuum(db, {
        intervalMs: 60_000,
        freezeAge: 100_000_000,
        clock: systemClock,
        onError: (err) => console.error(err),
      });
      for (let round = 0; round < 4; round++) {
        if (round > 0) await flushCpu(10_000);
        // PGlite runs each statement on this thread: while it runs, nothing else in the process does (sockets,
        // timers). The event loop's longest delay during the pass is what any client waited at worst.
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        const pass = await vacuum.runPass();
        delay.disable();
        const steps = pass?.steps ?? [];
        const longest = steps.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, table: '-', kind: '-' });
        console.log(
          `pass ${round} (${MESSAGES + round * 10_000} messages): ${steps.length} statements, ${pass?.ms.toFixed(0)} ms, longest ${longest.ms.toFixed(0)} ms (${longest.kind} ${longest.table}); event loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p50 ${(delay.percentile(50) / 1e6).toFixed(0)} ms; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
        );
        for (const st of steps.filter((x) => x.ms > 20))
          console.log(`  ${st.kind.padEnd(8)} ${st.table.padEnd(36)} ${st.ms.toFixed(0)} ms`);
      }
      return;
    }
    if (mode === 'steady') {
      await db.query('VACUUM (FREEZE, ANALYZE)');
      const tables = ['conversations', 'conversation_events', 'messages', 'events'];
      for (let round = 0; round < 8; round++) {
        await flushCpu(5_000);
        const freeze = round % 2 === 1;
        const target = round % 4 < 2 ? 100 : 10;
        const line: string[] = [];
        for (const table of tables) {
          const v0 = performance.now();
          await db.query(`VACUUM ${freeze ? '(FREEZE) ' : ''}${table}`);
          const v = performance.now() - v0;
          await db.query(`SET default_statistics_target = ${target}`);
          const a0 = performance.now();
          await db.query(`ANALYZE ${table}`);
          const a = performance.now() - a0;
          await db.query('RESET default_statistics_target');
          line.push(`${table} ${v.toFixed(0)}/${a.toFixed(0)}`);
        }
        const [ages] = await db.query<{ a: number }>(
          "SELECT max(age(relfrozenxid)) AS a FROM pg_class WHERE relname IN ('messages','events')",
        );
        console.log(
          `round ${round} ${freeze ? 'FREEZE' : 'plain '} stats ${target}: ${line.join(', ')} ms (vacuum/analyze); max age ${ages?.a}; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
        );
      }
      printStats('steady end', await tableStats(db));
      return;
    }
    const xid = await db.query<{ x: number }>('SELECT txid_current() AS x');
    console.log(`txid now ${xid[0]!.x}`);
    printStats('before vacuum', await tableStats(db));

    const sample = conversations[3]!;
    const ids = conversations
      .filter((c) => c.accountId === sample.accountId)
      .slice(0, 25)
      .map((c) => c.id);
    const plansOf = async (): Promise<string[]> => {
      const plans: string[] = [];
      const q = explaining(db, plans);
      await appendMessages(q, [
        {
          accountId: sample.accountId,
          conversationId: sample.id,
          role: 'HUMAN_AGENT',
          content: 'x',
          actorId: 'a',
          requiredContactId: null,
        },
      ]);
      await appendEvents(q, [
        { id: 'e1', accountId: sample.accountId, type: 'message.created', audience: 'conversation', conversationId: sample.id, data: {} },
      ]).catch(() => undefined);
      await new ConversationsRepo(q).list(sample.accountId, { limit: 25 });
      await new InboxRepo(q).fieldsFor(sample.accountId, { id: 'agent-1', staff: true }, ids);
      return plans;
    };
    const timeReads = async (): Promise<string> => {
      const times: number[] = [];
      for (let k = 0; k < 20; k++) {
        const s = performance.now();
        await new ConversationsRepo(db).list(sample.accountId, { limit: 25 });
        await new InboxRepo(db).fieldsFor(sample.accountId, { id: 'agent-1', staff: true }, ids);
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      return `list+inbox median ${times[10]!.toFixed(2)} ms min ${times[0]!.toFixed(2)} ms`;
    };
    const before = await plansOf();
    console.log(`\nreads before: ${await timeReads()}`);
    console.log(`flush CPU before vacuum: ${(await flushCpu(3000)).toFixed(3)} ms/msg`);

    const stats = await tableStats(db);
    console.log('\n## VACUUM, then ANALYZE, per table, smallest first (ms)');
    for (const s of stats) {
      const v0 = performance.now();
      await db.query(`VACUUM ${s.relname}`);
      const v = performance.now() - v0;
      const a0 = performance.now();
      await db.query(`ANALYZE ${s.relname}`);
      const a = performance.now() - a0;
      console.log(`${s.relname.padEnd(22)} vacuum ${v.toFixed(1).padStart(7)} analyze ${a.toFixed(1).padStart(7)}`);
    }
    const again = performance.now();
    await db.query('VACUUM');
    console.log(`database-wide VACUUM right after: ${(performance.now() - again).toFixed(1)} ms`);
    printStats('after vacuum', await tableStats(db));
    const after = await plansOf();
    for (const [i, p] of before.entries()) {
      console.log(`\n### plan ${i} before\n${p}`);
      if (after[i] !== p) console.log(`### plan ${i} after\n${after[i]}`);
      else console.log('### (same after ANALYZE)');
    }
    console.log(`\nreads after: ${await timeReads()}`);
    console.log(`flush CPU after vacuum: ${(await flushCpu(3000)).toFixed(3)} ms/msg`);

    // Dead tuples of a steady period with the vacuum, for the bounded figure.
    await flushCpu(10_000);
    printStats('10,000 messages after the vacuum', await tableStats(db));
    for (const table of ['conversations', 'conversation_events', 'messages', 'events']) {
      const s0 = performance.now();
      await db.query(`VACUUM ${table}`);
      console.log(`VACUUM ${table} after 10,000 more: ${(performance.now() - s0).toFixed(1)} ms`);
    }
    // What a send sees when it arrives during a vacuum: the one connection is busy until the VACUUM ends.
    await flushCpu(10_000);
    for (const table of ['conversations', 'messages']) {
      const s0 = performance.now();
      const vacuum = db.query(`VACUUM ${table}`).then(() => performance.now() - s0);
      const send = writer.flush([job()]).then(() => performance.now() - s0);
      const [v, w] = await Promise.all([vacuum, send]);
      console.log(`send during VACUUM ${table} (10,000 more): vacuum ${v.toFixed(1)} ms, send answered after ${w.toFixed(1)} ms`);
    }
    const sendAlone = performance.now();
    await writer.flush([job()]);
    console.log(`a send alone: ${(performance.now() - sendAlone).toFixed(1)} ms`);

    const ckpt = async () => {
      await db.query('CHECKPOINT');
      return db.query<{ oldest_xid: string; oldest_xid_dbid: number; next_xid: string }>(
        'SELECT oldest_xid::text, oldest_xid_dbid, next_xid FROM pg_control_checkpoint()',
      );
    };
    console.log('\n## FREEZE');
    console.log('databases', await db.query('SELECT oid, datname, datfrozenxid::text, age(datfrozenxid) FROM pg_database'));
    console.log('control before', await ckpt());
    for (const s of await tableStats(db)) {
      const s0 = performance.now();
      await db.query(`VACUUM (FREEZE) ${s.relname}`);
      const ms = performance.now() - s0;
      if (ms > 5) console.log(`${s.relname.padEnd(22)} ${ms.toFixed(1)} ms`);
    }
    const whole = performance.now();
    await db.query('VACUUM (FREEZE)');
    console.log(`database-wide VACUUM (FREEZE) (catalogs too): ${(performance.now() - whole).toFixed(1)} ms`);
    printStats('after freeze', await tableStats(db));
    console.log('databases', await db.query('SELECT oid, datname, datfrozenxid::text, age(datfrozenxid) FROM pg_database'));
    console.log('control after', await ckpt());
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
