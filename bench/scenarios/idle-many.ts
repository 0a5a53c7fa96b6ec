import { shortError, unavailable } from '../core/bench-session';
import { fdLimitFor, readFdLimits } from '../core/fd-limits';
import { LoadgenProcess } from '../core/loadgen-process';
import { probeServerMemory, waitForIdleRss } from '../core/probe-server-memory';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { sleep } from '../core/sleep';
import { formatBytes, formatCount } from '../report/format';
import type { ServerTarget } from '../targets/server-target';

/** Descriptors a process keeps for itself besides its connections. */
const SPARE_FDS = 512;
/** Local ports towards one address and port on Linux's default range (32768–60999). */
const PORTS_PER_DESTINATION = 28_000;

const COLUMNS = ['clients', 'tenants', 'load generators', 'RSS idle → connected', 'V8 heap/conn', 'connect time', 'capped by'];

/** How many connections one process may hold here, and what limits it. */
function capacity(wanted: number): { perProcess: number; serverMax: number; why: string | null } {
  const fd = readFdLimits();
  const hard = fd ? fd.hard : Number.MAX_SAFE_INTEGER;
  const perProcess = Math.min(hard - SPARE_FDS, PORTS_PER_DESTINATION);
  if (wanted <= perProcess) return { perProcess, serverMax: wanted, why: null };
  const why =
    perProcess === PORTS_PER_DESTINATION
      ? `${formatCount(PORTS_PER_DESTINATION)} local ports towards one address`
      : `open-file hard limit ${formatCount(hard)} (one server process holds every connection)`;
  return { perProcess, serverMax: perProcess, why };
}

async function measure(ctx: ScenarioContext, target: ServerTarget): Promise<TargetOutcome> {
  const o = ctx.options;
  const cap = capacity(o.manyClients);
  const clients = cap.serverMax;
  const loadgens = Math.ceil(clients / cap.perProcess);
  const fdLimit = fdLimitFor(Math.min(clients, cap.perProcess) + SPARE_FDS, readFdLimits());
  const server = await target.start({
    cwd: ctx.cwd,
    jwtSecret: ctx.jwtSecret,
    internalApiKey: ctx.internalApiKey,
    cpu: ctx.pin.serverCpu,
    fdLimit,
    nice: o.nice,
    inspect: true,
  });
  const gens: LoadgenProcess[] = [];
  try {
    for (let i = 0; i < loadgens; i++)
      gens.push(await LoadgenProcess.start({ cwd: ctx.cwd, cpu: ctx.pin.loadgenCpu, fdLimit, nice: o.nice }));
    const settled = await waitForIdleRss(server.pid);
    const before = await probeServerMemory(server);
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
    const after = await probeServerMemory(server);
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
    'beside it. One process can hold no more connections than its open-file hard limit allows (and about 28,000 towards one ' +
    'address and port): where that is below the count asked, the scenario connects as many as fit and says so in "capped by". One round.',
  async run(ctx) {
    const outcomes: TargetOutcome[] = [];
    for (const target of ctx.targets) {
      const why = target.multiProcess ? 'several processes: memory per connection is read from one process' : unavailable(ctx, target);
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
