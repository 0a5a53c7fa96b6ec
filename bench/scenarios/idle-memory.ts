import { connectClients, type ServerSession, shortError, startServerAndLoadgen, unavailable } from '../core/bench-session';
import { type MemoryReading, probeServerMemory, waitForIdleRss } from '../core/probe-server-memory';
import { readCpuSeconds } from '../core/proc-stat';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { sleep } from '../core/sleep';
import { median } from '../core/stats';
import { formatBytes, formatCount, formatMs } from '../report/format';
import type { ServerTarget } from '../targets/server-target';

interface Round {
  connected: number;
  failed: number;
  /** Server CPU time spent per handshake while the clients connected, ms. */
  cpuMsPerHandshake: number | null;
  before: MemoryReading;
  after: MemoryReading;
  /** Whether the idle server's RSS had settled before the first reading. */
  idleSettled: boolean;
  connectPerSec: number;
}

interface Started {
  target: ServerTarget;
  session: ServerSession;
  idleSettled: boolean;
}

const COLUMNS = ['clients', 'RSS idle → connected', 'V8 heap/conn', 'handshakes/s', 'server CPU/handshake', 'RSS settled'];

/** Connects the clients to one started server, lets them idle, and reads its memory before and after. */
async function measure(ctx: ScenarioContext, s: Started): Promise<Round> {
  const { server } = s.session;
  const before = await probeServerMemory(server);
  const cpuBefore = readCpuSeconds(server.pid);
  const connect = await connectClients(ctx, s.target, s.session, ctx.options.clients);
  const cpuAfter = readCpuSeconds(server.pid);
  if (connect.connected === 0) throw new Error(`no client could connect: ${JSON.stringify(connect.errors)}`);
  if (connect.failed)
    ctx.log(`idle-memory: ${s.target.name}: ${connect.failed} clients failed to connect: ${JSON.stringify(connect.errors)}`);
  await sleep(ctx.options.settleMs);
  const after = await probeServerMemory(server);
  return {
    connected: connect.connected,
    failed: connect.failed,
    cpuMsPerHandshake: cpuBefore == null || cpuAfter == null ? null : ((cpuAfter - cpuBefore) * 1000) / connect.connected,
    before,
    after,
    idleSettled: s.idleSettled,
    connectPerSec: connect.connected / (connect.elapsedMs / 1000),
  };
}

const perConnection = (r: Round, key: 'rss' | 'heapUsed') => {
  const a = r.after[key];
  const b = r.before[key];
  return a == null || b == null ? null : (a - b) / r.connected;
};

const scenario: Scenario = {
  name: 'idle-memory',
  title: 'Memory per idle authenticated connection',
  order: 20,
  method:
    'Each round starts a fresh process of every server (with `--inspect=127.0.0.1:0`) and lets them sit idle until their RSS ' +
    "has stopped falling (V8's memory reducer returns start-up garbage only after 8 s of idleness; at least 18 s, RSS steady over 9 s). " +
    'Then, one server at a time: a full GC forced through the inspector and VmRSS read from /proc/<pid>/status every 250 ms until a ' +
    'one-second window moves by less than 0.5% (its median is the reading); the clients connect and authenticate and stay idle for ' +
    'BENCH_SETTLE_MS; GC and RSS again. The figure is the RSS growth per connected client; the V8 heap growth per client after GC ' +
    'and the server CPU time per handshake are shown beside it. Rounds rotate the order of the servers; the median is reported.',
  async run(ctx) {
    const o = ctx.options;
    const rounds = new Map<string, Round[]>();
    const outcomes = new Map<string, TargetOutcome>();
    const failed = new Map<string, string>();
    const runnable: ServerTarget[] = [];
    for (const target of ctx.targets) {
      const why = target.multiProcess ? 'several processes: memory per connection is read from one process' : unavailable(ctx, target);
      if (why) {
        ctx.log(`idle-memory: ${target.name} unavailable: ${why}`);
        outcomes.set(target.name, { target: target.name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
      } else {
        runnable.push(target);
        rounds.set(target.name, []);
      }
    }

    for (let r = 0; r < o.rounds; r++) {
      const order = runnable.map((_, i) => runnable[(i + r) % runnable.length]!).filter((t) => !failed.has(t.name));
      const started: Started[] = [];
      try {
        for (const target of order) {
          try {
            started.push({ target, session: await startServerAndLoadgen(ctx, target, { inspect: true }), idleSettled: false });
          } catch (err) {
            failed.set(target.name, shortError(err));
            ctx.log(`idle-memory: ${target.name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        ctx.log(`idle-memory: round ${r + 1}: waiting for ${started.map((s) => s.target.name).join(', ')} to settle idle`);
        await Promise.all(started.map(async (s) => (s.idleSettled = await waitForIdleRss(s.session.server.pid))));
        for (const s of started) {
          try {
            const round = await measure(ctx, s);
            rounds.get(s.target.name)!.push(round);
            ctx.log(
              `idle-memory: ${s.target.name} round ${r + 1}: ${formatBytes(perConnection(round, 'rss'))}/conn RSS, ` +
                `${formatBytes(perConnection(round, 'heapUsed'))}/conn heap (${round.connected} clients, ` +
                `${formatMs(round.cpuMsPerHandshake)} ms CPU per handshake)`,
            );
          } catch (err) {
            failed.set(s.target.name, shortError(err));
            ctx.log(`idle-memory: ${s.target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      } finally {
        await Promise.all(started.map((s) => s.session.close()));
      }
    }

    for (const target of runnable) {
      const rs = rounds.get(target.name)!;
      if (rs.length === 0) {
        outcomes.set(target.name, {
          target: target.name,
          status: 'failed',
          reason: failed.get(target.name),
          rounds: [],
          median: null,
          details: {},
        });
        continue;
      }
      const rss = rs.map((r) => perConnection(r, 'rss'));
      const failedClients = median(rs.map((r) => r.failed)) ?? 0;
      outcomes.set(target.name, {
        target: target.name,
        status: 'ok',
        rounds: rss,
        median: median(rss),
        details: {
          clients: `${formatCount(median(rs.map((r) => r.connected)))}${failedClients ? ` (${formatCount(failedClients)} failed)` : ''}`,
          'RSS idle → connected': `${formatBytes(median(rs.map((r) => r.before.rss)))} → ${formatBytes(median(rs.map((r) => r.after.rss)))}`,
          'V8 heap/conn': formatBytes(median(rs.map((r) => perConnection(r, 'heapUsed')))),
          'handshakes/s': formatCount(median(rs.map((r) => r.connectPerSec))),
          'server CPU/handshake': `${formatMs(median(rs.map((r) => r.cpuMsPerHandshake)))} ms`,
          'RSS settled': rs.every((r) => r.idleSettled && r.before.stable && r.after.stable) ? 'yes' : 'not always',
        },
      });
    }
    const notes: string[] = [];
    if (rounds.size && [...rounds.values()].flat().some((r) => !r.before.collected || !r.after.collected)) {
      notes.push('The inspector was not reachable in some rounds: RSS was read without a forced GC.');
    }
    if ([...outcomes.values()].some((x) => x.details['RSS settled'] === 'not always')) {
      notes.push('RSS had not settled within the time allowed in some rounds; those figures are less exact.');
    }
    return {
      name: 'idle-memory',
      title: `Memory per idle authenticated connection (${o.clients} clients)`,
      metric: { label: 'RSS/conn', better: 'lower', format: formatBytes },
      outcomes: ctx.targets.map((t) => outcomes.get(t.name)).filter((x): x is TargetOutcome => !!x),
      detailColumns: COLUMNS,
      notes,
    };
  },
};

export default scenario;
