/**
 * The write pipeline at chat load, without sockets: open-loop sends at a fixed rate through
 * `MessageService.send` on PostgreSQL (a database of its own, dropped after), spread over conversations
 * that are each in a tenant of their own (as the chat bench does) or all in one tenant. Prints the ack
 * latency and, per phase of a flush (message-writer.ts `FlushPhases`), p50 / p99 / max, and the slowest
 * flushes with their wall-clock time so they can be read against PostgreSQL's log. Used for
 * docs/decisions.md, "PostgreSQL stalls".
 *
 *   npx tsx bench/tools/chat-flushes.ts [rate=1000] [seconds=10] [conversations=100] [tenants=many|one]
 *
 * BENCH_DATABASE_URL may carry session settings for the diagnosis, e.g.
 * `?options=-c%20log_min_duration_statement%3D20`. CHAT_FLUSH_FORM=transaction flushes in the
 * two-statement transaction instead of one statement; CHAT_FLUSH_OVERLAP=any takes the rule before for a flush
 * that overlaps another (the oldest sends, whatever conversations the running flush holds), and
 * CHAT_FLUSH_OVERLAP_AT sets how many sends must wait before one may start. Also printed: flushes that
 * took over 60 ms (the stalls) and flushes that started while another ran. Also printed: the CPU the database's backends
 * used per acked message (their /proc schedstat run time, PostgreSQL on this machine), and the
 * conversations' updates and how many of them were HOT (pg_stat_user_tables, read after the pool closed
 * so every backend has reported).
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

import pg from 'pg';

import { ConversationService } from '../../packages/server/src/domain/conversation-service';
import type { LoggedEvent } from '../../packages/server/src/domain/domain-event';
import { MessageService } from '../../packages/server/src/domain/message-service';
import type { FlushPhases } from '../../packages/server/src/domain/message-writer';
import type { Publisher } from '../../packages/server/src/domain/publisher';
import { openDb } from '../../packages/server/src/storage/db';
import { AccountsRepo } from '../../packages/server/src/storage/repos/accounts';
import { ConversationsRepo } from '../../packages/server/src/storage/repos/conversations';
import { createBenchDatabase } from '../core/bench-services';
import { chatContent } from '../loadgen/chat-groups';

const [rateText = '1000', secondsText = '10', groupsText = '100', tenancy = 'many'] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const groups = Number(groupsText);

/**
 * CHAT_FLUSH_CONTENT=bench: each message's content as the chat bench sends it (`#<seq># xxx…`, 120
 * characters), so each adds a word of its own to the full-text index; by default 200 × "x".
 */
const benchContent = process.env.CHAT_FLUSH_CONTENT === 'bench';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

/** Run time on a CPU of the given processes, in ms (`/proc/<pid>/schedstat`: nanoseconds first); 0 for any gone. */
async function cpuMsOf(pids: number[]): Promise<number> {
  let ns = 0;
  for (const pid of pids) ns += Number((await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '0')).split(' ')[0]);
  return ns / 1e6;
}

const PHASES = ['queuedMs', 'startMs', 'messagesMs', 'eventsMs', 'commitMs', 'publishMs', 'totalMs'] as const;

async function main(): Promise<void> {
  // Piped into `head`, stdout closes early: the database must still be dropped.
  process.stdout.on('error', () => undefined);
  const bench = await createBenchDatabase();
  const db = await openDb({ databaseUrl: bench.url });
  try {
    const tenantOf = (g: number) => (tenancy === 'one' ? 'chat-tool' : `chat-tool-${g}`);
    for (let g = 0; g < groups; g++) if (tenancy !== 'one' || g === 0) await new AccountsRepo(db).ensure(tenantOf(g));
    const conversations = await Promise.all(
      Array.from({ length: groups }, (_, g) => new ConversationsRepo(db).create({ accountId: tenantOf(g), contactId: `cust-${g}` })),
    );
    const publisher: Publisher = { publish: (_e: LoggedEvent) => undefined, signal: () => undefined };
    const flushes: Array<FlushPhases & { at: number }> = [];
    const service = new MessageService(db, publisher, new ConversationService(db, publisher), {
      onFlushPhases: (p) => flushes.push({ ...p, at: Date.now() }),
      ...(process.env.CHAT_FLUSH_FORM === 'transaction' ? { flushForm: 'transaction' as const } : {}),
      ...(process.env.CHAT_FLUSH_OVERLAP === 'any' ? { overlap: 'any' as const } : {}),
      ...(process.env.CHAT_FLUSH_OVERLAP_AT ? { overlapAt: Number(process.env.CHAT_FLUSH_OVERLAP_AT) } : {}),
    });
    const acks: number[] = [];
    let failed = 0;
    let n = 0;
    const sendOne = async () => {
      const g = n % groups;
      const k = n++;
      const t0 = performance.now();
      try {
        await service.send(
          { userId: `cust-${g}`, accountId: tenantOf(g), role: 'customer', teamIds: [] },
          {
            conversationId: conversations[g]!.id,
            content: benchContent ? chatContent(1_000_000_000 + k, 120) : 'x'.repeat(200),
            contentType: 'text',
            clientMessageId: `m-${k}`,
          },
        );
        acks.push(performance.now() - t0);
      } catch {
        failed++;
      }
    };
    // Open loop: every 10 ms, the sends due by now (a timer tick is coarser than 1 ms).
    const run = async (ms: number) => {
      const start = performance.now();
      let sent = 0;
      const pending: Array<Promise<void>> = [];
      while (performance.now() - start < ms) {
        const due = Math.floor(((performance.now() - start) / 1000) * rate);
        while (sent < due) {
          pending.push(sendOne());
          sent++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(pending);
    };
    await run(1000);
    acks.length = 0;
    flushes.length = 0;
    failed = 0;
    const pids = await bench.backendPids();
    const db0 = await cpuMsOf(pids);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(seconds * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const dbCpuMs = (await cpuMsOf(pids)) - db0;
    const phases: Record<string, { p50: number; p99: number; max: number }> = {};
    for (const p of PHASES) {
      const xs = flushes.map((f) => f[p]);
      phases[p] = { p50: +quantile(xs, 0.5).toFixed(1), p99: +quantile(xs, 0.99).toFixed(1), max: +Math.max(0, ...xs).toFixed(1) };
    }
    const slowest = [...flushes]
      .sort((a, b) => b.totalMs + b.queuedMs - (a.totalMs + a.queuedMs))
      .slice(0, 8)
      .map((f) => ({
        at: new Date(f.at).toISOString().slice(11, 23),
        ...Object.fromEntries(
          Object.entries(f)
            .filter(([k]) => k !== 'at')
            .map(([k, v]) => [k, Math.round(v * 10) / 10]),
        ),
      }));
    console.log(
      JSON.stringify({
        // To pick this run's backends out of pg-activity.ts's samples.
        database: new URL(bench.url).pathname.slice(1),
        rate,
        groups,
        tenancy,
        acked: acks.length,
        failed,
        cpuMsPerMsg: +((cpu.user + cpu.system) / 1000 / acks.length).toFixed(3),
        cpuShare: +((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2),
        dbCpuMsPerMsg: +(dbCpuMs / acks.length).toFixed(3),
        dbCpuShare: +(dbCpuMs / 1000 / elapsed).toFixed(2),
        ackP50: +quantile(acks, 0.5).toFixed(1),
        ackP99: +quantile(acks, 0.99).toFixed(1),
        ackMax: +Math.max(0, ...acks).toFixed(1),
        flushes: flushes.length,
        over60ms: flushes.filter((f) => f.totalMs > 60).length,
        overlapped: [...flushes]
          .sort((a, b) => a.at - a.totalMs - (b.at - b.totalMs))
          .filter((f, i, all) => i > 0 && f.at - f.totalMs < all[i - 1]!.at).length,
        sendsPerFlush: {
          p50: quantile(
            flushes.map((f) => f.sends),
            0.5,
          ),
          max: Math.max(0, ...flushes.map((f) => f.sends)),
        },
        phases,
      }),
    );
    for (const f of slowest) console.log(JSON.stringify(f));
    // How the flush's statements grew over the run (dead row versions of the conversations, say).
    const bySecond = new Map<number, number[]>();
    const first = flushes[0]?.at ?? 0;
    for (const f of flushes) {
      const s = Math.floor((f.at - first) / 1000);
      bySecond.set(s, [...(bySecond.get(s) ?? []), (f.messagesMs + f.eventsMs) / f.sends]);
    }
    console.log(
      JSON.stringify({
        statementsMsPerSendP50BySecond: [...bySecond.entries()].map(([s, xs]) => [s, +quantile(xs, 0.5).toFixed(2)]),
      }),
    );
    const sizes = await db.query<{ name: string; kb: number; dead: number | null; live: number | null }>(
      `SELECT c.relname AS name, pg_relation_size(c.oid) / 1024 AS kb, s.n_dead_tup AS dead, s.n_live_tup AS live
       FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE c.relname LIKE 'conversations%' OR c.relname IN ('messages', 'events', 'conversation_events') ORDER BY 1`,
    );
    console.log(JSON.stringify({ sizes }));
    await db.close();
    // Backends report their table counters when they exit: read them once the pool is closed.
    const admin = new pg.Client({ connectionString: bench.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ updates: number; hot: number }>(
        "SELECT n_tup_upd AS updates, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'conversations'",
      );
      console.log(JSON.stringify({ conversationUpdates: rows[0] }));
    } finally {
      await admin.end();
    }
  } finally {
    await db.close().catch(() => undefined);
    await bench.drop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
