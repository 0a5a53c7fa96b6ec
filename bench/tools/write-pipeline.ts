/**
 * The write pipeline alone, without sockets: closed-loop sends through `MessageService.send` into one
 * tenant, on PostgreSQL (a database of its own, dropped after) or in-memory PGlite. Prints acked
 * msg/s, this process's CPU time per message, and the flushes' sizes and durations, so a change to
 * the pipeline can be compared in back-to-back runs without the noise of sockets and a load generator.
 * With a per-message CPU cost (`workUs`) it shows whether the flushes' database time overlaps
 * the server's own work. Used for docs/decisions.md, "Ingest on PostgreSQL".
 *
 *   npx tsx bench/tools/write-pipeline.ts pg|pglite [conversations=100] [inFlightPerConversation=8] [seconds=5] [maxInFlight] [overlapAt] [workUs=0]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { ConversationService } from '../../packages/server/src/domain/conversation-service';
import type { LoggedEvent } from '../../packages/server/src/domain/domain-event';
import { MessageService } from '../../packages/server/src/domain/message-service';
import type { Publisher } from '../../packages/server/src/domain/publisher';
import { openDb } from '../../packages/server/src/storage/db';
import { AccountsRepo } from '../../packages/server/src/storage/repos/accounts';
import { ConversationsRepo } from '../../packages/server/src/storage/repos/conversations';
import { createBenchDatabase } from '../core/bench-services';

const [engine = 'pg', groupsText = '100', windowText = '8', secondsText = '5', inFlightText, overlapText, workUsText = '0'] =
  process.argv.slice(2);
/**
 * A model of the socket work a server does per message, which a real server cannot overlap with
 * itself: each lane, once answered, waits a timer (a client's round trip, 1–10 ms, so sends come
 * back over several turns of the event loop as they do from sockets) and then spends this much
 * CPU (µs) before its next send. 0: neither.
 */
const workUs = Number(workUsText);
const groups = Number(groupsText);
const window = Number(windowText);
const seconds = Number(secondsText);

/**
 * The main thread's time on a CPU and waiting for one (ns, /proc/<pid>/task/<pid>/schedstat): on a
 * shared machine, wall time minus both is the time the thread had nothing to do (it waited for the
 * database), which separates "latency-bound" from "starved" where CPU shares cannot.
 */
function schedstat(): { run: number; wait: number } {
  try {
    const [run = '0', wait = '0'] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').trim().split(/\s+/);
    return { run: Number(run), wait: Number(wait) };
  } catch {
    return { run: NaN, wait: NaN };
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

async function main(): Promise<void> {
  const bench = engine === 'pg' ? await createBenchDatabase() : null;
  const db = await openDb(bench ? { databaseUrl: bench.url } : { dataDir: 'memory://' });
  try {
    const tenant = 'ingest-tool';
    await new AccountsRepo(db).ensure(tenant);
    const conversations = await Promise.all(
      Array.from({ length: groups }, (_, i) => new ConversationsRepo(db).create({ accountId: tenant, contactId: `cust-${i}` })),
    );
    let published = 0;
    const publisher: Publisher = { publish: (_e: LoggedEvent) => void published++, signal: () => undefined };
    const flushes: Array<{ sends: number; ms: number }> = [];
    const service = new MessageService(db, publisher, new ConversationService(db, publisher), {
      onFlush: (sends, ms) => flushes.push({ sends, ms }),
      ...(inFlightText ? { maxInFlight: Number(inFlightText) } : {}),
      ...(overlapText ? { overlapAt: Number(overlapText) } : {}),
    });
    let stop = false;
    let acked = 0;
    let failed = 0;
    const acks: number[] = [];
    const loop = async (g: number, lane: number) => {
      const actor = { userId: `cust-${g}`, accountId: tenant, role: 'customer' as const, teamIds: [] };
      for (let n = 0; !stop; n++) {
        const t0 = performance.now();
        try {
          await service.send(actor, {
            conversationId: conversations[g]!.id,
            content: 'x'.repeat(120),
            contentType: 'text',
            clientMessageId: `${lane}-${n}`,
          });
          acked++;
          acks.push(performance.now() - t0);
          if (workUs > 0) {
            await new Promise((r) => setTimeout(r, 1 + Math.random() * 9));
            for (const until = performance.now() + workUs / 1000; performance.now() < until;);
          }
        } catch {
          failed++;
        }
      }
    };
    // Warm-up, then the measured window.
    stop = false;
    const warm = Array.from({ length: groups * window }, (_, k) => loop(k % groups, -1 - k));
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(warm);
    stop = false;
    acked = 0;
    acks.length = 0;
    flushes.length = 0;
    const cpu0 = process.cpuUsage();
    const sched0 = schedstat();
    const t0 = performance.now();
    const lanes = Array.from({ length: groups * window }, (_, k) => loop(k % groups, k));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    stop = true;
    const ackedInWindow = acked;
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sched1 = schedstat();
    const wallNs = elapsed * 1e9;
    await Promise.all(lanes);
    const sizes = flushes.map((f) => f.sends);
    const times = flushes.map((f) => f.ms);
    console.log(
      JSON.stringify({
        engine,
        groups,
        window,
        maxInFlight: inFlightText ?? 'default',
        overlapAt: overlapText ?? 'default',
        workUs,
        ackedPerSec: Math.round(ackedInWindow / elapsed),
        failed,
        published,
        cpuMsPerMsg: +((cpu.user + cpu.system) / 1000 / ackedInWindow).toFixed(3),
        cpuShare: +((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2),
        mainThread: {
          running: +((sched1.run - sched0.run) / wallNs).toFixed(2),
          waitingForCpu: +((sched1.wait - sched0.wait) / wallNs).toFixed(2),
          idle: +(1 - (sched1.run - sched0.run + sched1.wait - sched0.wait) / wallNs).toFixed(2),
        },
        ackP50: +quantile(acks, 0.5).toFixed(1),
        ackP99: +quantile(acks, 0.99).toFixed(1),
        flushes: flushes.length,
        flushSends: { p50: quantile(sizes, 0.5), max: Math.max(0, ...sizes) },
        flushMs: { p50: +quantile(times, 0.5).toFixed(1), p90: +quantile(times, 0.9).toFixed(1) },
      }),
    );
  } finally {
    await db.close();
    await bench?.drop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
