import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type ServerSession, shortError, startServerAndLoadgen, unavailable } from '../core/bench-session';
import { chatGroupSpecs, type ChatTenancy, supportsTenancy } from '../core/chat-tenancy';
import { classifyBottleneck } from '../core/classify-bottleneck';
import { InspectorSession } from '../core/inspector-session';
import { readCpuSeconds } from '../core/proc-stat';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { median } from '../core/stats';
import { waitForQuiet } from '../core/wait-for-quiet';
import { WindowMeter, type WindowUse } from '../core/window-meter';
import type { ChatRoundResult } from '../loadgen/messages';
import { formatCount, formatMs, formatPercent } from '../report/format';
import type { ServerTarget } from '../targets/server-target';

interface Measured {
  result: ChatRoundResult;
  use: WindowUse | null;
  /** Server CPU time (all its processes, window and drain) per message sent, ms. */
  cpuMsPerMessage: number | null;
}

/**
 * BENCH_CPU_PROFILE=dir: the measured rounds of each server are profiled through the inspector
 * (window and drain only, not start-up or connecting) and written to dir as .cpuprofile files.
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE?.trim() || '';

/**
 * BENCH_CHAT_TENANCY=one|per-conversation: only that placement of the conversations (default both), so
 * A/B runs of one variant alternate twice as often on a shared machine.
 */
const TENANCIES: readonly ChatTenancy[] = (() => {
  const only = process.env.BENCH_CHAT_TENANCY?.trim() ?? '';
  if (only === '') return ['per-conversation', 'one'];
  if (only !== 'one' && only !== 'per-conversation') throw new Error(`BENCH_CHAT_TENANCY must be one or per-conversation, got "${only}"`);
  return [only];
})();

const serverCpuSeconds = (pids: readonly number[]) => {
  let sum = 0;
  for (const pid of pids) {
    const s = readCpuSeconds(pid);
    if (s === null) return null;
    sum += s;
  }
  return sum;
};

const DRAIN_MS = 15000;
const CONTENT_CHARS = 120;

async function chatRound(
  ctx: ScenarioContext,
  session: ServerSession,
  rate: number,
  label: string,
  seconds: number,
  measured: boolean,
): Promise<Measured> {
  const { server, loadgen } = session;
  const meter = new WindowMeter({ server: server.pids(), loadgen: loadgen.pid, services: await server.servicePids() }, [], ctx.pin);
  let use: WindowUse | null = null;
  loadgen.onMark = (_label, phase) => (phase === 'start' ? meter.start() : (use = meter.stop()));
  const pids = server.pids();
  const inspector = measured && PROFILE_DIR && server.inspectorUrl ? await InspectorSession.open(server.inspectorUrl) : null;
  if (inspector) {
    await inspector.call('Profiler.enable');
    await inspector.call('Profiler.start');
  }
  const cpuBefore = serverCpuSeconds(pids);
  const result = await loadgen.request('chatRound', {
    label,
    ratePerSec: rate,
    durationMs: seconds * 1000,
    drainMs: DRAIN_MS,
    contentChars: CONTENT_CHARS,
    marks: measured,
  });
  const cpuAfter = serverCpuSeconds(pids);
  if (inspector) {
    const { profile } = (await inspector.call('Profiler.stop')) as { profile: unknown };
    const file = join(PROFILE_DIR, `${label.replace(/[^\w.-]+/g, '-')}-${Date.now()}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    inspector.close();
    ctx.log(`chat-latency: profile written to ${file}`);
  }
  const cpuMsPerMessage = cpuBefore !== null && cpuAfter !== null && result.sent > 0 ? ((cpuAfter - cpuBefore) * 1000) / result.sent : null;
  return { result, use: use as WindowUse | null, cpuMsPerMessage };
}

/** Every figure of one server at every rate. */
async function measureTarget(ctx: ScenarioContext, target: ServerTarget, tenancy: ChatTenancy): Promise<Map<number, Measured[]>> {
  const o = ctx.options;
  const session = await startServerAndLoadgen(ctx, target, { inspect: PROFILE_DIR !== '' });
  try {
    const label = tenancy === 'one' ? `${target.name} one tenant` : target.name;
    const groups = chatGroupSpecs(target, o.chatGroups, tenancy);
    const connect = await session.loadgen.request('chatConnect', {
      baseUrls: session.server.baseUrls,
      groups,
      members: o.chatMembers,
      profile: target.chat!,
      concurrency: Math.max(1, Math.floor(o.connectConcurrency / 10)),
      timeoutMs: o.connectTimeoutSeconds * 1000,
      jwtSecret: ctx.jwtSecret,
    });
    ctx.log(
      `chat-latency: ${label}: ${connect.connected} sockets in ${(connect.elapsedMs / 1000).toFixed(1)} s` +
        (connect.failed ? `; ${connect.failed} failed: ${JSON.stringify(connect.errors)}` : ''),
    );
    if (connect.connected === 0) throw new Error(`no chat group could connect: ${JSON.stringify(connect.errors)}`);

    const byRate = new Map<number, Measured[]>();
    for (const rate of o.chatRates) {
      // At least 5 s: the embedded server's first seconds at a new rate include V8 optimising PGlite's
      // WebAssembly and our batch paths on the same pinned core, which made the first round the worst
      // of three (docs/decisions.md, "Embedded chat latency"); the target is the steady state.
      await chatRound(ctx, session, rate, `${rate}/s warm-up`, Math.max(5, o.warmupSeconds), false);
      const rounds: Measured[] = [];
      for (let r = 0; r < o.rounds; r++) {
        if (o.quietWaitSeconds > 0) {
          const own = [...session.server.pids(), session.loadgen.pid, ...(await session.server.servicePids())];
          const quiet = await waitForQuiet(o.quietWaitSeconds * 1000, own);
          if (!quiet.quiet)
            ctx.log(`chat-latency: machine not quiet (other work at ${quiet.busyPercent.toFixed(0)}% CPU); measuring anyway`);
        }
        const m = await chatRound(ctx, session, rate, `${rate}/s round ${r + 1}`, o.seconds, true);
        const x = m.result;
        ctx.log(
          `chat-latency: ${label} ${x.label}: sent ${formatCount(x.sentPerSec)}/s, acked ${x.acked}/${x.sent}, ` +
            `delivery p50 ${formatMs(x.latencyP50Ms)} p99 ${formatMs(x.latencyP99Ms)} max ${formatMs(x.latencyMaxMs)} ms, ` +
            `ack p50 ${formatMs(x.ackP50Ms)} ms, lost ${x.lost}, dup ${x.duplicates}, refused ${JSON.stringify(x.refused)}; ` +
            `CPU server ${formatPercent(m.use?.server ?? null)} (${m.cpuMsPerMessage?.toFixed(3) ?? 'n/a'} ms/msg) services ${formatPercent(m.use?.services ?? null)} loadgen ${formatPercent(m.use?.loadgen ?? null)} other ${formatPercent(m.use?.other ?? null)}`,
        );
        rounds.push(m);
      }
      byRate.set(rate, rounds);
    }
    return byRate;
  } finally {
    await session.close();
  }
}

const sum = (rounds: Measured[], f: (r: ChatRoundResult) => number) => rounds.reduce((acc, r) => acc + f(r.result), 0);
const med = (rounds: Measured[], f: (m: Measured) => number | null | undefined) => median(rounds.map(f));

function outcomeOf(ctx: ScenarioContext, name: string, byRate: Map<number, Measured[]>): TargetOutcome {
  const rates = ctx.options.chatRates;
  const top = byRate.get(rates[rates.length - 1]!) ?? [];
  const details: Record<string, string> = {};
  for (const rate of rates) {
    const rounds = byRate.get(rate) ?? [];
    details[`${rate}/s p50 / p99 ms`] =
      `${formatMs(med(rounds, (m) => m.result.latencyP50Ms))} / ${formatMs(med(rounds, (m) => m.result.latencyP99Ms))}`;
  }
  details['ack p50 / p99 ms'] = rates
    .map((rate) => {
      const rounds = byRate.get(rate) ?? [];
      return `${formatMs(med(rounds, (m) => m.result.ackP50Ms))} / ${formatMs(med(rounds, (m) => m.result.ackP99Ms))}`;
    })
    .join(' · ');
  details['sent msg/s'] = rates.map((rate) => formatCount(med(byRate.get(rate) ?? [], (m) => m.result.sentPerSec))).join(' · ');
  const all = [...byRate.values()].flat();
  const refused: Record<string, number> = {};
  for (const m of all) for (const [code, n] of Object.entries(m.result.refused)) refused[code] = (refused[code] ?? 0) + n;
  const lost = sum(all, (r) => r.lost);
  const dup = sum(all, (r) => r.duplicates);
  const unanswered = sum(all, (r) => r.unanswered);
  details['lost'] =
    `${lost}${dup ? ` (+${dup} dup)` : ''}${unanswered ? `, ${unanswered} unanswered` : ''}` +
    (Object.keys(refused).length
      ? `, refused ${Object.entries(refused)
          .map(([c, n]) => `${c}×${n}`)
          .join(' ')}`
      : '');
  details['server CPU'] = rates.map((rate) => formatPercent(med(byRate.get(rate) ?? [], (m) => m.use?.server))).join(' · ');
  details['server CPU ms/msg'] = rates
    .map((rate) => med(byRate.get(rate) ?? [], (m) => m.cpuMsPerMessage)?.toFixed(2) ?? 'n/a')
    .join(' · ');
  const services = rates.map((rate) => med(byRate.get(rate) ?? [], (m) => m.use?.services));
  details['db/redis CPU'] = services.every((v) => v == null) ? '' : services.map(formatPercent).join(' · ');
  details['other CPU'] = rates.map((rate) => formatPercent(med(byRate.get(rate) ?? [], (m) => m.use?.other))).join(' · ');
  const byP99 = [...top].sort((a, b) => (a.result.latencyP99Ms ?? Infinity) - (b.result.latencyP99Ms ?? Infinity));
  const mid = byP99[(byP99.length - 1) >> 1];
  details['bound by (top rate)'] = mid?.use ? classifyBottleneck(mid.use, ctx.pin.enabled) : 'unknown';
  return {
    target: name,
    status: 'ok',
    rounds: top.map((m) => m.result.latencyP99Ms),
    median: med(top, (m) => m.result.latencyP99Ms),
    details,
  };
}

const scenario: Scenario = {
  name: 'chat-latency',
  title: 'End-to-end chat latency',
  order: 20,
  method:
    'Conversations of one sender and 6 listeners (BENCH_CHAT_MEMBERS), all agents, each conversation in a tenant of its own, ' +
    "sockets spread over the server's nodes; real socket.io-client sockets, websocket transport, in a load generator pinned to the other core. " +
    'The senders emit `send_message` (120 characters) on a fixed schedule, round-robin over the conversations, at each rate in turn ' +
    '(open loop: a server that falls behind shows as latency, not as a slower schedule). ' +
    'Latency is from the emit to the `new_message` at each listener, over every delivery of every message sent in the window; ' +
    "ack is from the emit to the sender's acknowledgement (for Switchboard: after the commit). " +
    'After each window the deliveries drain and every acked message is checked for exactly one delivery per listener. ' +
    'Servers run one at a time. The naive server of seed 000 takes the same events with no check and no persistence. ' +
    'Each Switchboard target runs a second time with every conversation in ONE tenant ("… one tenant"): each conversation ' +
    "belongs to a customer of its own whose 1 + 6 sockets send and listen, so all writes are one tenant's. " +
    'The headline figure is p99 at the highest rate, the median of the rounds.',
  async run(ctx) {
    const outcomes: TargetOutcome[] = [];
    const runs = ctx.targets.flatMap((target) =>
      TENANCIES.filter((tenancy) => supportsTenancy(target, tenancy)).map((tenancy) => ({
        target,
        tenancy,
        name: tenancy === 'one' ? `${target.name} one tenant` : target.name,
      })),
    );
    for (const { target, tenancy, name } of runs) {
      const why = target.chat ? unavailable(ctx, target) : 'no chat events';
      if (why) {
        outcomes.push({ target: name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
        continue;
      }
      ctx.log(`chat-latency: ${name}: ${ctx.options.chatGroups} conversations of 1 + ${ctx.options.chatMembers}`);
      try {
        outcomes.push(outcomeOf(ctx, name, await measureTarget(ctx, target, tenancy)));
      } catch (err) {
        ctx.log(`chat-latency: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        outcomes.push({ target: name, status: 'failed', reason: shortError(err), rounds: [], median: null, details: {} });
      }
    }
    const notes: string[] = [];
    for (const oc of outcomes) {
      if (oc.status === 'ok' && !oc.details.lost?.startsWith('0')) notes.push(`${oc.target}: ${oc.details.lost}.`);
      if (oc.details['bound by (top rate)'] === 'LOAD GENERATOR')
        notes.push(`${oc.target}: the load generator was saturated at the top rate; its latency is an upper bound.`);
    }
    if (!ctx.pin.enabled) notes.push(`CPU pinning ${ctx.pin.description}: server and load generator share cores.`);
    const rates = ctx.options.chatRates;
    return {
      name: 'chat-latency',
      title: `Chat latency: send_message → commit → new_message at ${ctx.options.chatMembers} listeners, at ${rates.join(' and ')} messages/s`,
      metric: { label: `p99 ms at ${rates[rates.length - 1]}/s`, better: 'lower', format: formatMs },
      outcomes,
      detailColumns: [
        ...rates.map((r) => `${r}/s p50 / p99 ms`),
        'ack p50 / p99 ms',
        'sent msg/s',
        'lost',
        'server CPU',
        'server CPU ms/msg',
        'db/redis CPU',
        'other CPU',
        'bound by (top rate)',
      ],
      notes,
    };
  },
};

export default scenario;
