import { shortError, unavailable } from '../core/bench-session';
import { fdLimitFor, readFdLimits } from '../core/fd-limits';
import { LoadgenProcess } from '../core/loadgen-process';
import { probeServerMemory, treeRssBytes, waitForIdleRss } from '../core/probe-server-memory';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { sleep } from '../core/sleep';
import { formatBytes, formatCount } from '../report/format';
import type { ServerTarget } from '../targets/server-target';

/** Descriptors a process keeps for itself besides its connections. */
const SPARE_FDS = 512;
/** Local ports towards one address and port on Linux's default range (32768–60999). */
const PORTS_PER_DESTINATION = 28_000;

const COLUMNS = [
  'clients',
  'tenants',
  'server processes',
  'load generators',
  'RSS idle → connected',
  'V8 heap/conn',
  'connect time',
  'capped by',
];

interface Plan {
  /** Connections one process may hold: its open-file hard limit less its own descriptors. */
  perProcess: number;
  clients: number;
  /** Server processes (a cluster on one port) needed to hold `clients`; 1 without `spread`. */
  serverProcesses: number;
  /** Load generators, each holding at most `perProcess` clients from a source address of its own. */
  loadgens: number;
  why: string | null;
}

/**
 * How to hold `wanted` connections on this machine. The open-file hard limit bounds each process
 * (it is 20,000 here and cannot be raised without CAP_SYS_RESOURCE, which root lacks in this
 * container), so a server that can run as a cluster on one port (`spread`) gets as many processes
 * as the count needs, and one that cannot is capped. Each load generator connects from its own
 * loopback address, so the ~28,000 local ports towards one address and port bound none of them.
 */
function plan(wanted: number, target: ServerTarget): Plan {
  const fd = readFdLimits();
  const hard = fd ? fd.hard : Number.MAX_SAFE_INTEGER;
  const perProcess = Math.min(hard - SPARE_FDS, PORTS_PER_DESTINATION);
  const loadgens = (n: number) => Math.ceil(n / perProcess);
  if (wanted <= perProcess) return { perProcess, clients: wanted, serverProcesses: 1, loadgens: 1, why: null };
  if (target.spread) {
    const serverProcesses = Math.ceil(wanted / perProcess);
    return { perProcess, clients: wanted, serverProcesses, loadgens: loadgens(wanted), why: null };
  }
  const why =
    perProcess === PORTS_PER_DESTINATION
      ? `${formatCount(PORTS_PER_DESTINATION)} local ports towards one address`
      : `open-file hard limit ${formatCount(hard)} (one process, and this server cannot run as several)`;
  return { perProcess, clients: perProcess, serverProcesses: 1, loadgens: 1, why };
}

async function measure(ctx: ScenarioContext, target: ServerTarget): Promise<TargetOutcome> {
  const o = ctx.options;
  const cap = plan(o.manyClients, target);
  const { clients, loadgens } = cap;
  const spread = cap.serverProcesses > 1;
  const fdLimit = fdLimitFor(Math.min(clients, cap.perProcess) + SPARE_FDS, readFdLimits());
  const server = await target.start({
    cwd: ctx.cwd,
    jwtSecret: ctx.jwtSecret,
    internalApiKey: ctx.internalApiKey,
    // A cluster's processes are not pinned to one CPU: what is measured is memory, and the connecting is long enough.
    cpu: spread ? null : ctx.pin.serverCpu,
    fdLimit,
    nice: o.nice,
    inspect: true,
    env: spread ? target.spread!(cap.serverProcesses) : undefined,
  });
  const gens: LoadgenProcess[] = [];
  try {
    for (let i = 0; i < loadgens; i++)
      gens.push(await LoadgenProcess.start({ cwd: ctx.cwd, cpu: spread ? null : ctx.pin.loadgenCpu, fdLimit, nice: o.nice }));
    const settled = await waitForIdleRss(spread ? () => treeRssBytes(server) : server.pid);
    const before = await probeServerMemory(server, 15000, spread);
    const share = Math.ceil(clients / loadgens);
    ctx.log(`idle-many: ${target.name}: connecting ${formatCount(clients)} clients from ${loadgens} load generator(s)`);
    const started = Date.now();
    const results = await Promise.all(
      gens.map((lg, i) =>
        lg.request('connect', {
          baseUrls: server.baseUrls,
          kind: target.protocol === 'ws' ? 'ws' : o.clientKind,
          count: Math.min(share, clients - i * share),
          // Client numbers run on across load generators, so tenants and users stay distinct.
          firstIndex: i * share + 1,
          clientsPerTenant: o.manyPerTenant,
          // One source address per load generator when there are several (see plan()).
          localAddress: loadgens > 1 ? `127.0.0.${i + 2}` : undefined,
          concurrency: o.connectConcurrency,
          timeoutMs: o.connectTimeoutSeconds * 1000,
          jwtSecret: ctx.jwtSecret,
          tenantId: ctx.tenantId,
          extraClaims: target.extraClaims(ctx.tenantId),
        }),
      ),
    );
    const connectMs = Date.now() - started;
    const connected = results.reduce((n, r) => n + r.connected, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    if (connected === 0) throw new Error(`no client could connect: ${JSON.stringify(results[0]?.errors)}`);
    if (failed) ctx.log(`idle-many: ${target.name}: ${failed} clients failed: ${JSON.stringify(results.map((r) => r.errors))}`);
    await sleep(o.settleMs);
    const after = await probeServerMemory(server, 15000, spread);
    const per = (a: number | null, b: number | null) => (a == null || b == null ? null : (a - b) / connected);
    const rss = per(after.rss, before.rss);
    ctx.log(`idle-many: ${target.name}: ${formatBytes(rss)}/conn RSS, ${formatBytes(per(after.heapUsed, before.heapUsed))}/conn heap`);
    return {
      target: target.name,
      status: 'ok',
      rounds: [rss],
      median: rss,
      details: {
        clients: `${formatCount(connected)}${failed ? ` (${formatCount(failed)} failed)` : ''}`,
        tenants: formatCount(Math.ceil(clients / o.manyPerTenant)),
        'server processes': spread ? `${cap.serverProcesses} (+ primary)` : '1',
        'load generators': String(loadgens),
        'RSS idle → connected': `${formatBytes(before.rss)} → ${formatBytes(after.rss)}${settled && before.stable && after.stable ? '' : ' (not settled)'}`,
        'V8 heap/conn': formatBytes(per(after.heapUsed, before.heapUsed)),
        'connect time': `${(connectMs / 1000).toFixed(1)} s`,
        'capped by': cap.why ?? '',
      },
    };
  } finally {
    await Promise.all([...gens.map((g) => g.stop()), server.stop()]);
  }
}

const scenario: Scenario = {
  name: 'idle-many',
  title: 'Memory at many idle authenticated connections',
  order: 25,
  method:
    'One server at a time, started fresh with the inspector and left idle until its RSS settles (as in the idle-memory scenario). ' +
    'Then BENCH_MANY_CLIENTS clients (default 50,000) connect and authenticate from as many load generator processes as the ' +
    'open-file limit needs, spread over tenants of BENCH_MANY_PER_TENANT clients (default 100), each client a distinct agent; ' +
    'they idle BENCH_SETTLE_MS. The figure is the RSS growth per connected client after a forced GC; the V8 heap growth per client ' +
    'beside it. One process can hold no more connections than its open-file hard limit allows: beyond it, a server that can ' +
    'share one port among several processes runs as a cluster of as many as the count needs (Switchboard on PostgreSQL: ' +
    '`WORKERS`; the naive server: a Node cluster of the same file), and the figures are the sums over all its processes ' +
    '(primary included; every heap through its own inspector); a server that cannot (embedded PGlite, raw ws) connects as many ' +
    'as one process holds and says so in "capped by". Each load generator connects from its own loopback address ' +
    '(127.0.0.2, …), so the ~28,000 local ports towards one address and port do not cap the count. One round.',
  async run(ctx) {
    const outcomes: TargetOutcome[] = [];
    for (const target of ctx.targets) {
      const why = target.multiProcess
        ? 'several processes by design: this scenario spreads a server over processes itself when the count needs it'
        : unavailable(ctx, target);
      if (why) {
        outcomes.push({ target: target.name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
        continue;
      }
      try {
        outcomes.push(await measure(ctx, target));
      } catch (err) {
        ctx.log(`idle-many: ${target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        outcomes.push({ target: target.name, status: 'failed', reason: shortError(err), rounds: [], median: null, details: {} });
      }
    }
    const capped = outcomes.find((x) => x.details['capped by']);
    return {
      name: 'idle-many',
      title: `Memory at ${formatCount(ctx.options.manyClients)} idle authenticated connections`,
      metric: { label: 'RSS/conn', better: 'lower', format: formatBytes },
      outcomes,
      detailColumns: COLUMNS,
      notes: capped
        ? [
            `Capped at ${capped.details.clients} clients per server by the ${capped.details['capped by']}; raise it (ulimit -Hn, as root) for the full count.`,
          ]
        : [],
    };
  },
};

export default scenario;
