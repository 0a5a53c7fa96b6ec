/**
 * CPU time of the message write pipeline's flush on its own, per message, at fixed batch sizes:
 * `MessageWriter.flush` called back to back with `batch` sends each (round-robin over the
 * conversations), on PGlite (on disk like the server, or in memory) or PostgreSQL (this process's
 * side only). On a shared machine CPU time still varies with the other work, so each batch size is
 * timed over several short stretches and the fastest and the median are reported; with variants,
 * their stretches alternate, so each variant sees the same machine.
 *
 *   npx tsx bench/tools/flush-cost.ts pglite|pglite-mem|pg [batches=1,5,20,100] [messages=3000] [tenants=many|one] [variant SQL]...
 *
 * Each `variant SQL` argument is a database of its own, set up with that SQL run after the
 * migrations ("" for none), e.g. `"" "DROP INDEX messages_content_fts_idx"`. A variant starting with
 * `@transaction` (the rest is its SQL) flushes in the two-statement transaction instead of the one
 * statement (docs/decisions.md, "PostgreSQL: a flush in one statement"). On `pg` each line also has
 * the CPU of the database's backends per message (their /proc schedstat run time), since this
 * process's CPU is only the node's side.
 * FLUSH_COST_PROFILE=file.cpuprofile profiles the measured flushes (not start-up or warm-up).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoggedEvent } from '../../packages/server/src/domain/domain-event';
import { MessageWriter, type SendJob } from '../../packages/server/src/domain/message-writer';
import type { Publisher } from '../../packages/server/src/domain/publisher';
import { type Db, openDb } from '../../packages/server/src/storage/db';
import { AccountsRepo } from '../../packages/server/src/storage/repos/accounts';
import { ConversationsRepo } from '../../packages/server/src/storage/repos/conversations';
import { createBenchDatabase } from '../core/bench-services';

const [engine = 'pglite', batchesText = '1,5,20,100', messagesText = '3000', tenancy = 'many', ...variantSql] = process.argv.slice(2);
const batches = batchesText.split(',').map(Number);
const messages = Number(messagesText);
const variants = variantSql.length > 0 ? variantSql : [''];
const CONVERSATIONS = 100;
const STRETCHES = 7;

interface Variant {
  sql: string;
  db: Db;
  /** ms of CPU the database's backends have used so far (PostgreSQL on this machine only; 0 otherwise). */
  backendCpuMs: () => Promise<number>;
  run: (batch: number, count: number) => Promise<void>;
  published: () => number;
  close: () => Promise<void>;
}

/** Run time on a CPU of the given processes, in ms (`/proc/<pid>/schedstat`: nanoseconds first); 0 for any gone. */
async function cpuMsOf(pids: number[]): Promise<number> {
  let ns = 0;
  for (const pid of pids) ns += Number((await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '0')).split(' ')[0]);
  return ns / 1e6;
}

async function openVariant(variant: string): Promise<Variant> {
  const form = variant.startsWith('@transaction') ? 'transaction' : 'statement';
  const sql = variant.replace(/^@transaction\s*/, '');
  const bench = engine === 'pg' ? await createBenchDatabase() : null;
  const dir = engine === 'pglite' ? await mkdtemp(join(tmpdir(), 'flush-cost-')) : null;
  const db = await openDb(bench ? { databaseUrl: bench.url } : { dataDir: dir ?? 'memory://' });
  const close = async () => {
    await db.close();
    await bench?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  const conversations: Array<{ accountId: string; id: string; agent: string }> = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const accountId = tenancy === 'one' ? 'flush-cost' : `flush-cost-${i}`;
    await new AccountsRepo(db).ensure(accountId);
    const c = await new ConversationsRepo(db).create({ accountId, contactId: `cust-${i}` });
    conversations.push({ accountId, id: c.id, agent: `agent-${i}` });
  }
  if (sql) await db.query(sql);
  let published = 0;
  const publisher: Publisher = { publish: (_e: LoggedEvent) => void published++, signal: () => undefined };
  const writer = new MessageWriter(db, publisher, undefined, 0, undefined, form);
  const backendCpuMs = async () => {
    if (db.kind !== 'postgres') return 0;
    const rows = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    return cpuMsOf(rows.map((r) => r.pid));
  };
  let n = 0;
  const job = (): SendJob => {
    const c = conversations[n % CONVERSATIONS]!;
    n++;
    return {
      actor: { userId: c.agent, accountId: c.accountId, role: 'agent', teamIds: [] },
      role: 'HUMAN_AGENT',
      input: { conversationId: c.id, content: `#${n}# ` + 'x'.repeat(112), contentType: 'text', clientMessageId: `m-${n}` },
    };
  };
  const run = async (batch: number, count: number) => {
    for (let done = 0; done < count; done += batch) {
      const outcomes = await writer.flush(Array.from({ length: batch }, job));
      if (outcomes.some((o) => !o.ok)) throw new Error('a send failed');
    }
  };
  return { sql: variant, db, backendCpuMs, run, published: () => published, close };
}

async function main(): Promise<void> {
  const opened: Variant[] = [];
  try {
    for (const sql of variants) opened.push(await openVariant(sql));
    for (const v of opened) await v.run(20, 1000); // warm-up: JIT, caches, plans
    const profile = process.env.FLUSH_COST_PROFILE ? new Session() : null;
    if (profile) {
      profile.connect();
      await profile.post('Profiler.enable');
      await profile.post('Profiler.start');
    }
    for (const batch of batches) {
      const perStretch = Math.max(batch, Math.round(messages / STRETCHES / batch) * batch);
      const costs = opened.map(() => [] as number[]);
      const dbCosts = opened.map(() => [] as number[]);
      for (let k = 0; k < STRETCHES; k++) {
        for (const [i, v] of opened.entries()) {
          const db0 = await v.backendCpuMs();
          const cpu0 = process.cpuUsage();
          await v.run(batch, perStretch);
          const cpu = process.cpuUsage(cpu0);
          costs[i]!.push((cpu.user + cpu.system) / 1000 / perStretch);
          dbCosts[i]!.push(((await v.backendCpuMs()) - db0) / perStretch);
        }
      }
      for (const [i, v] of opened.entries()) {
        const sorted = costs[i]!.sort((a, b) => a - b);
        const min = sorted[0]!;
        const median = sorted[STRETCHES >> 1]!;
        console.log(
          JSON.stringify({
            engine,
            tenancy,
            ...(variants.length > 1 ? { variant: v.sql || 'base' } : {}),
            batch,
            messages: perStretch * STRETCHES,
            cpuMsPerMsg: { min: +min.toFixed(3), median: +median.toFixed(3) },
            cpuMsPerFlush: { min: +(min * batch).toFixed(3), median: +(median * batch).toFixed(3) },
            ...(v.db.kind === 'postgres' ? { dbCpuMsPerMsg: minAndMedian(dbCosts[i]!) } : {}),
          }),
        );
      }
    }
    if (profile) {
      const { profile: taken } = await profile.post('Profiler.stop');
      await writeFile(process.env.FLUSH_COST_PROFILE!, JSON.stringify(taken));
      profile.disconnect();
    }
    if (opened.some((v) => v.published() === 0)) throw new Error('nothing was published');
  } finally {
    for (const v of opened) await v.close();
  }
}

function minAndMedian(values: number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: +sorted[0]!.toFixed(3), median: +sorted[sorted.length >> 1]!.toFixed(3) };
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
