import { defaultServer } from '@switchboard/protocol';

import { shortError, startServerAndLoadgen, unavailable } from '../core/bench-session';
import { readCpuSeconds } from '../core/proc-stat';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { median } from '../core/stats';
import type { StormResult } from '../loadgen/messages';
import { formatCount, formatMs } from '../report/format';
import type { RunningServer, ServerTarget } from '../targets/server-target';

/** socket.io-client's default connect timeout, per attempt: an attempt still unanswered after it has failed. */
const CLIENT_TIMEOUT_MS = 20_000;
/**
 * How long a client told to come back keeps coming back, from the storm's start. A bound for the
 * bench only (the SDK keeps trying); the figure that matters is the time until all are ready.
 */
const GIVE_UP_MS = 120_000;

interface Round {
  first: StormResult;
  again: StormResult;
  /** Server CPU per handshake in each phase, ms (all of the target's processes). */
  firstCpuMs: number | null;
  againCpuMs: number | null;
}

const COLUMNS = [
  'clients',
  'first connect',
  'first failed',
  'reconnect failed',
  'reconnect p50 / p99',
  'told to come back',
  'server CPU/handshake first / again',
];

function cpuSeconds(server: RunningServer): number | null {
  let sum = 0;
  for (const pid of server.pids()) {
    const s = readCpuSeconds(pid);
    if (s == null) return null;
    sum += s;
  }
  return sum;
}

/** Switchboard says when a session is ready (`authenticated`, after rooms and presence); the naive server only connects. */
const readyEventOf = (target: ServerTarget) =>
  target.name === 'switchboard' || target.name.startsWith('sb-') ? defaultServer.authenticated.name : null;

async function measure(ctx: ScenarioContext, target: ServerTarget): Promise<Round> {
  const session = await startServerAndLoadgen(ctx, target);
  try {
    const spec = {
      baseUrls: session.server.baseUrls,
      count: ctx.options.clients,
      jwtSecret: ctx.jwtSecret,
      tenantId: ctx.tenantId,
      extraClaims: target.extraClaims(ctx.tenantId),
      readyEvent: readyEventOf(target),
      timeoutMs: CLIENT_TIMEOUT_MS,
      giveUpMs: GIVE_UP_MS,
    };
    const phase = async (name: StormResult['phase']) => {
      const before = cpuSeconds(session.server);
      const result = await session.loadgen.request('storm', { ...spec, phase: name });
      const after = cpuSeconds(session.server);
      const cpuMs = before == null || after == null || !result.connected ? null : ((after - before) * 1000) / result.connected;
      return { result, cpuMs };
    };
    const first = await phase('connect');
    const again = await phase('reconnect');
    return { first: first.result, again: again.result, firstCpuMs: first.cpuMs, againCpuMs: again.cpuMs };
  } finally {
    await session.close();
  }
}

const timeToAll = (r: StormResult) => (r.failed ? null : r.elapsedMs);

const scenario: Scenario = {
  name: 'reconnect-storm',
  title: 'Reconnect storm: one tenant’s agents all connect at once, then all drop and reconnect at once',
  order: 25,
  method:
    'A fresh process of each server and one load generator with BENCH_CLIENTS websocket clients speaking Engine.IO/Socket.IO (eio-lite: only the ready event is read), every one ' +
    'an agent of the same tenant. First all of them handshake at the same moment; once every one is ready (Switchboard: ' +
    '`authenticated`, after rooms and presence; the naive server: `connect`) all drop at once and all reconnect at once. ' +
    'A client refused with RATE_LIMITED comes back after `retryAfterMs` plus up to half of it again, as the SDK does: it was ' +
    'answered, so it has not failed (issue 13: "tell the rest to come back rather than letting handshakes time out"), and its ' +
    'wait counts in the time until all are ready. A client has failed when an attempt gets no answer within ' +
    `${CLIENT_TIMEOUT_MS / 1000} s (socket.io-client's default timeout, per attempt), its connection fails or is reset, it is ` +
    `refused for another reason, or it would still be coming back ${GIVE_UP_MS / 1000} s after the storm began. ` +
    'The figure is the time from the reconnect until the last client is ready (none when any failed); server CPU time per ' +
    'handshake of each phase is read from /proc. Rounds rotate the order of the servers; medians are reported.',
  async run(ctx) {
    const o = ctx.options;
    const rounds = new Map<string, Round[]>();
    const outcomes = new Map<string, TargetOutcome>();
    const failed = new Map<string, string>();
    const runnable: ServerTarget[] = [];
    for (const target of ctx.targets) {
      const why = target.protocol !== 'socket.io' ? 'not a Socket.IO server' : unavailable(ctx, target);
      if (why) {
        outcomes.set(target.name, { target: target.name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
      } else {
        runnable.push(target);
        rounds.set(target.name, []);
      }
    }
    for (let r = 0; r < o.rounds; r++) {
      const order = runnable.map((_, i) => runnable[(i + r) % runnable.length]!).filter((t) => !failed.has(t.name));
      for (const target of order) {
        try {
          const round = await measure(ctx, target);
          rounds.get(target.name)!.push(round);
          ctx.log(
            `reconnect-storm: ${target.name} round ${r + 1}: first ${formatMs(round.first.elapsedMs)} ms (${round.first.failed} failed), ` +
              `reconnect ${formatMs(round.again.elapsedMs)} ms (${round.again.failed} failed), ` +
              `${round.first.refusals + round.again.refusals} told to come back, ` +
              `load generator's worst lag ${round.first.loadgenLagMs} / ${round.again.loadgenLagMs} ms` +
              (Object.keys({ ...round.first.errors, ...round.again.errors }).length
                ? `; errors ${JSON.stringify({ ...round.first.errors, ...round.again.errors })}`
                : ''),
          );
        } catch (err) {
          failed.set(target.name, shortError(err));
          ctx.log(`reconnect-storm: ${target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
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
      const m = (pick: (r: Round) => number | null) => median(rs.map(pick));
      outcomes.set(target.name, {
        target: target.name,
        status: 'ok',
        rounds: rs.map((r) => timeToAll(r.again)),
        median: m((r) => timeToAll(r.again)),
        details: {
          clients: formatCount(o.clients),
          'first connect': `${formatMs(m((r) => r.first.elapsedMs))} ms`,
          'first failed': formatCount(m((r) => r.first.failed)),
          'reconnect failed': formatCount(m((r) => r.again.failed)),
          'reconnect p50 / p99': `${formatMs(m((r) => r.again.p50Ms))} / ${formatMs(m((r) => r.again.p99Ms))} ms`,
          'told to come back': formatCount(m((r) => r.first.refusals + r.again.refusals)),
          'server CPU/handshake first / again': `${formatMs(m((r) => r.firstCpuMs))} / ${formatMs(m((r) => r.againCpuMs))} ms`,
        },
      });
    }
    return {
      name: 'reconnect-storm',
      title: `Reconnect storm (${o.clients} agents of one tenant)`,
      metric: { label: 'reconnect: all ready', better: 'lower', format: (v) => `${formatMs(v)} ms` },
      outcomes: ctx.targets.map((t) => outcomes.get(t.name)).filter((x): x is TargetOutcome => !!x),
      detailColumns: COLUMNS,
      notes: ['Target (issue 13): 0 failed handshakes in both phases and the reconnect complete in ≤ 10 s.'],
    };
  },
};

export default scenario;
