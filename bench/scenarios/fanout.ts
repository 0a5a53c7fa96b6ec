import { type BenchSession, openBenchSession, shortError, unavailable } from '../core/bench-session';
import { classifyBottleneck, NOISY_PERCENT } from '../core/classify-bottleneck';
import { pauseProcesses } from '../core/pause-processes';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { median } from '../core/stats';
import { waitForQuiet } from '../core/wait-for-quiet';
import { describeCoreUse, WindowMeter, type WindowUse } from '../core/window-meter';
import type { FanoutResult } from '../loadgen/messages';
import { formatCount, formatMs, formatPercent } from '../report/format';

interface Live {
  session: BenchSession;
  rounds: Array<{ result: FanoutResult; use: WindowUse }>;
  error?: string;
}

const COLUMNS = [
  'clients',
  'broadcasts/s',
  'fan-out p50 / p99 ms',
  'lost',
  'server CPU',
  'db/redis CPU',
  'loadgen CPU',
  'other CPU',
  'bound by',
];

/** One round against one server, with the CPU of every party read over exactly its measured window. */
async function fanoutRound(
  ctx: ScenarioContext,
  live: Live,
  bystanders: readonly number[],
  label: string,
  seconds: number,
  measured: boolean,
) {
  const { server, loadgen } = live.session;
  const trigger = server.trigger(ctx.tenantId, ctx.options.event);
  const meter = new WindowMeter({ server: server.pids(), loadgen: loadgen.pid, services: await server.servicePids() }, bystanders, ctx.pin);
  let use: WindowUse | null = null;
  loadgen.onMark = (_label, phase) => (phase === 'start' ? meter.start() : (use = meter.stop()));
  // The other servers and load generators wait paused: an idle server still runs timers on the same core.
  const resume = pauseProcesses(bystanders);
  const result = await loadgen
    .request('fanout', {
      label,
      url: trigger.url,
      headers: trigger.headers,
      envelope: trigger.envelope,
      payloadBytes: ctx.options.payloadBytes,
      durationMs: seconds * 1000,
      inflight: ctx.options.inflight,
      drainMs: 10000,
      stallMs: 5000,
      marks: measured,
    })
    .finally(resume);
  if (result.deliveries === 0) {
    throw new Error(`no broadcast reached the clients (event "${ctx.options.event}" via ${trigger.url}, ${result.httpErrors} HTTP errors)`);
  }
  return { result, use: use as WindowUse | null };
}

function outcomeOf(ctx: ScenarioContext, live: Live): TargetOutcome {
  const rs = live.rounds.map((r) => r.result);
  const uses = live.rounds.map((r) => r.use);
  const connect = live.session.connect;
  const sum = (f: (r: FanoutResult) => number) => rs.reduce((acc, r) => acc + f(r), 0);
  const dup = sum((r) => r.duplicates);
  // The bottleneck of the median round.
  const byRate = [...live.rounds].sort((a, b) => a.result.deliveriesPerSec - b.result.deliveriesPerSec);
  const mid = byRate[(byRate.length - 1) >> 1];
  const core = (side: 'serverCore' | 'loadgenCore') => {
    const busy = median(uses.map((u) => u[side]?.busy));
    return busy == null ? '' : ` / core ${formatPercent(busy)}`;
  };
  return {
    target: live.session.target.name,
    status: 'ok',
    rounds: rs.map((r) => r.deliveriesPerSec),
    median: median(rs.map((r) => r.deliveriesPerSec)),
    details: {
      clients: `${connect.connected}${connect.failed ? ` (${connect.failed} failed)` : ''} ${live.session.clientKind}`,
      'broadcasts/s': formatCount(median(rs.map((r) => r.broadcastsPerSec))),
      'fan-out p50 / p99 ms': `${formatMs(median(rs.map((r) => r.completionP50Ms)))} / ${formatMs(median(rs.map((r) => r.completionP99Ms)))}`,
      lost: `${sum((r) => r.lost)}${dup ? ` (+${dup} dup)` : ''}`,
      'server CPU': `${formatPercent(median(uses.map((u) => u.server)))}${core('serverCore')}`,
      'db/redis CPU': median(uses.map((u) => u.services)) == null ? '' : formatPercent(median(uses.map((u) => u.services))),
      'loadgen CPU': `${formatPercent(median(uses.map((u) => u.loadgen)))}${core('loadgenCore')}`,
      'other CPU': formatPercent(median(uses.map((u) => u.other))),
      'bound by': mid ? classifyBottleneck(mid.use, ctx.pin.enabled) : 'unknown',
    },
  };
}

const scenario: Scenario = {
  name: 'fanout',
  title: 'Fan-out to authenticated clients in one room',
  order: 10,
  method:
    'Every server gets the same clients (one tenant, one room) from a load generator in its own process on the other core. ' +
    "The load generator posts broadcasts of a ~200-byte JSON payload (`/internal/emit`, or the baseline's own endpoint) " +
    'keeping a fixed number in flight: a new one is posted as soon as one has reached every client. ' +
    'Deliveries are counted over each round; then the outstanding broadcasts drain and every broadcast the server accepted is checked for exactly one delivery per client. ' +
    'Rounds are interleaved across servers (rotating order) after an unmeasured warm-up, each after waiting for the machine to be quiet, ' +
    'with the servers and load generators not being measured paused (SIGSTOP) for the round; the median round is reported. ' +
    'Over exactly the measured window the harness reads the CPU time of the server and of the load generator (/proc/<pid>/stat), ' +
    'the accounting of their two cores including softirq and steal (/proc/stat), and the CPU used by any other process.',
  async run(ctx) {
    const o = ctx.options;
    const outcomes = new Map<string, TargetOutcome>();
    const live: Live[] = [];
    let noisyRounds = 0;
    for (const target of ctx.targets) {
      const why = unavailable(ctx, target);
      if (why) {
        ctx.log(`fanout: ${target.name} unavailable: ${why}`);
        outcomes.set(target.name, { target: target.name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
        continue;
      }
      ctx.log(`fanout: starting ${target.name} and connecting ${o.clients} clients`);
      try {
        const session = await openBenchSession(ctx, target);
        const c = session.connect;
        ctx.log(
          `fanout: ${target.name}: ${c.connected} connected in ${(c.elapsedMs / 1000).toFixed(1)} s` +
            (c.failed ? `; ${c.failed} failed: ${JSON.stringify(c.errors)}` : ''),
        );
        live.push({ session, rounds: [] });
      } catch (err) {
        ctx.log(`fanout: ${target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        outcomes.set(target.name, {
          target: target.name,
          status: 'failed',
          reason: shortError(err),
          rounds: [],
          median: null,
          details: {},
        });
      }
    }

    /** A measured round is repeated (up to BENCH_NOISY_RETRIES times) when other processes took the CPUs during it. */
    const pidsOf = (e: Live) => [...e.session.server.pids(), e.session.loadgen.pid];
    const attempt = async (entry: Live, label: string, seconds: number, measured: boolean) => {
      if (entry.error) return;
      const bystanders = live.filter((e) => e !== entry).flatMap(pidsOf);
      try {
        for (let tries = 0; ; tries++) {
          if (measured && o.quietWaitSeconds > 0) {
            const quiet = await waitForQuiet(o.quietWaitSeconds * 1000, live.flatMap(pidsOf));
            if (!quiet.quiet) ctx.log(`fanout: machine not quiet (other work at ${quiet.busyPercent.toFixed(0)}% CPU); measuring anyway`);
          }
          const { result, use } = await fanoutRound(ctx, entry, bystanders, label, seconds, measured);
          if (!measured) return;
          if (!use) throw new Error('the load generator sent no window marks');
          ctx.log(
            `fanout: ${entry.session.target.name} ${label}: ${formatCount(result.deliveriesPerSec)} deliveries/s, ` +
              `p50 ${formatMs(result.completionP50Ms)} ms, lost ${result.lost}; CPU server ${formatPercent(use.server)} ` +
              `loadgen ${formatPercent(use.loadgen)} paused bench processes ${formatPercent(use.bystanders)} other ${formatPercent(use.other)}; ` +
              `cores ${describeCoreUse(use.serverCore)} | ${describeCoreUse(use.loadgenCore)}`,
          );
          const noisy = use.other != null && use.other >= NOISY_PERCENT;
          if (noisy && tries < o.noisyRetries) {
            ctx.log(`fanout: other processes used ${formatPercent(use.other)} CPU during the round; repeating it`);
            continue;
          }
          if (noisy) noisyRounds++;
          entry.rounds.push({ result, use });
          return;
        }
      } catch (err) {
        entry.error = shortError(err);
        ctx.log(`fanout: ${entry.session.target.name} ${label} failed: ${entry.error}`);
      }
    };
    try {
      if (o.warmupSeconds > 0) for (const entry of live) await attempt(entry, 'warm-up', o.warmupSeconds, false);
      for (let r = 0; r < o.rounds; r++) {
        for (let i = 0; i < live.length; i++) await attempt(live[(i + r) % live.length]!, `round ${r + 1}`, o.seconds, true);
      }
    } finally {
      await Promise.all(live.map((entry) => entry.session.close()));
    }

    for (const entry of live) {
      const name = entry.session.target.name;
      outcomes.set(
        name,
        entry.rounds.length === 0
          ? { target: name, status: 'failed', reason: entry.error ?? 'no round completed', rounds: [], median: null, details: {} }
          : outcomeOf(ctx, entry),
      );
    }
    const ordered = ctx.targets.map((t) => outcomes.get(t.name)).filter((x): x is TargetOutcome => !!x);
    const notes: string[] = [];
    for (const oc of ordered) {
      if (oc.details['bound by'] === 'LOAD GENERATOR') {
        notes.push(`${oc.target}: the load generator, not the server, was saturated; the figure is a lower bound.`);
      }
      if (oc.details['bound by'] === 'both') {
        notes.push(`${oc.target}: server and load generator were both saturated; the server may go faster than this.`);
      }
      if (oc.status === 'ok' && oc.details.lost !== '0')
        notes.push(`${oc.target}: deliveries were lost or duplicated (${oc.details.lost}).`);
    }
    if (noisyRounds) {
      notes.push(`${noisyRounds} measured round(s) shared the CPUs with other processes (see "other CPU"); their figures are low.`);
    }
    if (!ctx.pin.enabled) notes.push(`CPU pinning ${ctx.pin.description}: server and load generator share cores.`);
    return {
      name: 'fanout',
      title: `Fan-out: broadcasts to ${o.clients} authenticated clients in one room`,
      metric: { label: 'deliveries/s', better: 'higher', format: formatCount },
      outcomes: ordered,
      detailColumns: COLUMNS,
      notes,
    };
  },
};

export default scenario;
