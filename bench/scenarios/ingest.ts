import { shortError, startServerAndLoadgen, unavailable } from '../core/bench-session';
import { chatGroupSpecs, type ChatTenancy, supportsTenancy } from '../core/chat-tenancy';
import { classifyBottleneck } from '../core/classify-bottleneck';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { median } from '../core/stats';
import { WindowMeter, type WindowUse } from '../core/window-meter';
import type { IngestRoundResult } from '../loadgen/messages';
import { formatCount, formatMs, formatPercent } from '../report/format';
import type { ServerTarget } from '../targets/server-target';

/** Conversations, each with one sender and one listener; sends each sender keeps in flight. */
const GROUPS = Number(process.env.BENCH_INGEST_GROUPS ?? 100);
const WINDOW = Number(process.env.BENCH_INGEST_WINDOW ?? 8);
const LISTENERS = 1;
const CONTENT_CHARS = 120;
const DRAIN_MS = 15_000;

interface Measured {
  result: IngestRoundResult;
  use: WindowUse | null;
}

async function measureTarget(ctx: ScenarioContext, target: ServerTarget, tenancy: ChatTenancy, name: string): Promise<Measured[]> {
  const o = ctx.options;
  const session = await startServerAndLoadgen(ctx, target);
  try {
    const connect = await session.loadgen.request('chatConnect', {
      baseUrls: session.server.baseUrls,
      groups: chatGroupSpecs(target, GROUPS, tenancy),
      members: LISTENERS,
      profile: target.chat!,
      concurrency: Math.max(1, Math.floor(o.connectConcurrency / 10)),
      timeoutMs: o.connectTimeoutSeconds * 1000,
      jwtSecret: ctx.jwtSecret,
    });
    ctx.log(
      `ingest: ${name}: ${connect.connected} sockets in ${(connect.elapsedMs / 1000).toFixed(1)} s` +
        (connect.failed ? `; ${connect.failed} failed: ${JSON.stringify(connect.errors)}` : ''),
    );
    if (connect.connected === 0) throw new Error(`no group could connect: ${JSON.stringify(connect.errors)}`);
    const round = async (label: string, seconds: number, marks: boolean): Promise<Measured> => {
      const meter = new WindowMeter(
        { server: session.server.pids(), loadgen: session.loadgen.pid, services: await session.server.servicePids() },
        [],
        ctx.pin,
      );
      let use: WindowUse | null = null;
      session.loadgen.onMark = (_label, phase) => (phase === 'start' ? meter.start() : (use = meter.stop()));
      const result = await session.loadgen.request('ingestRound', {
        label,
        durationMs: seconds * 1000,
        window: WINDOW,
        drainMs: DRAIN_MS,
        contentChars: CONTENT_CHARS,
        marks,
      });
      return { result, use: use as WindowUse | null };
    };
    await round('warm-up', Math.max(1, o.warmupSeconds), false);
    const rounds: Measured[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const m = await round(`round ${r + 1}`, o.seconds, true);
      const x = m.result;
      ctx.log(
        `ingest: ${name} ${x.label}: acked ${formatCount(x.ackedPerSec)}/s (${x.acked}/${x.sent}), ack p50 ${formatMs(x.ackP50Ms)} p99 ${formatMs(x.ackP99Ms)} ms, ` +
          `lost ${x.lost}, dup ${x.duplicates}, unanswered ${x.unanswered}, refused ${JSON.stringify(x.refused)}; ` +
          `CPU server ${formatPercent(m.use?.server ?? null)} services ${formatPercent(m.use?.services ?? null)} loadgen ${formatPercent(m.use?.loadgen ?? null)} other ${formatPercent(m.use?.other ?? null)}`,
      );
      rounds.push(m);
    }
    return rounds;
  } finally {
    await session.close();
  }
}

function outcomeOf(ctx: ScenarioContext, name: string, rounds: Measured[]): TargetOutcome {
  const med = (f: (m: Measured) => number | null | undefined) => median(rounds.map(f));
  const lost = rounds.reduce((n, m) => n + m.result.lost, 0);
  const dup = rounds.reduce((n, m) => n + m.result.duplicates, 0);
  const unanswered = rounds.reduce((n, m) => n + m.result.unanswered, 0);
  const refused: Record<string, number> = {};
  for (const m of rounds) for (const [code, n] of Object.entries(m.result.refused)) refused[code] = (refused[code] ?? 0) + n;
  const byRate = [...rounds].sort((a, b) => a.result.ackedPerSec - b.result.ackedPerSec);
  const mid = byRate[(byRate.length - 1) >> 1];
  return {
    target: name,
    status: 'ok',
    rounds: rounds.map((m) => m.result.ackedPerSec),
    median: med((m) => m.result.ackedPerSec),
    details: {
      'ack p50 / p99 ms': `${formatMs(med((m) => m.result.ackP50Ms))} / ${formatMs(med((m) => m.result.ackP99Ms))}`,
      lost:
        `${lost}${dup ? ` (+${dup} dup)` : ''}${unanswered ? `, ${unanswered} unanswered` : ''}` +
        (Object.keys(refused).length
          ? `, refused ${Object.entries(refused)
              .map(([c, n]) => `${c}×${n}`)
              .join(' ')}`
          : ''),
      'server CPU': formatPercent(med((m) => m.use?.server)),
      'db/redis CPU': formatPercent(med((m) => m.use?.services)),
      'loadgen CPU': formatPercent(med((m) => m.use?.loadgen)),
      'other CPU': formatPercent(med((m) => m.use?.other)),
      'bound by': mid?.use ? classifyBottleneck(mid.use, ctx.pin.enabled) : 'unknown',
    },
  };
}

const scenario: Scenario = {
  name: 'ingest',
  title: 'Ingest: the highest rate of acked sends',
  order: 25,
  method:
    `${GROUPS} conversations (BENCH_INGEST_GROUPS), each with a sender and ${LISTENERS} listener; real socket.io-client sockets. ` +
    `Closed loop: each sender keeps ${WINDOW} sends (BENCH_INGEST_WINDOW) of ${CONTENT_CHARS} characters in flight and sends the next ` +
    'as soon as one is answered, so the rate is the highest the server sustains. For Switchboard an answer means the ' +
    'message is committed, so acked/s is persisted msg/s; every conversation is in ONE tenant (each a customer of its own). ' +
    'The naive server of seed 000 stores nothing and answers at once: its figure is its relay rate, with a tenant per conversation ' +
    '(in one tenant its workspace room would send every message to every socket). After each window every acked message ' +
    'is checked for one delivery at its listener. The headline figure is acked msg/s, the median of the rounds.',
  async run(ctx) {
    const outcomes: TargetOutcome[] = [];
    for (const target of ctx.targets) {
      const tenancy: ChatTenancy = supportsTenancy(target, 'one') ? 'one' : 'per-conversation';
      const name = target.name;
      const why = target.chat ? unavailable(ctx, target) : 'no chat events';
      if (why) {
        outcomes.push({ target: name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
        continue;
      }
      try {
        outcomes.push(outcomeOf(ctx, name, await measureTarget(ctx, target, tenancy, name)));
      } catch (err) {
        ctx.log(`ingest: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        outcomes.push({ target: name, status: 'failed', reason: shortError(err), rounds: [], median: null, details: {} });
      }
    }
    const notes: string[] = [];
    for (const oc of outcomes) {
      if (oc.status === 'ok' && !oc.details.lost?.startsWith('0')) notes.push(`${oc.target}: ${oc.details.lost}.`);
      if (oc.details['bound by'] === 'LOAD GENERATOR')
        notes.push(`${oc.target}: the load generator was saturated; the rate is a lower bound.`);
    }
    if (!ctx.pin.enabled) notes.push(`CPU pinning ${ctx.pin.description}: server and load generator share cores.`);
    return {
      name: 'ingest',
      title: `Ingest: acked sends per second, closed loop, ${GROUPS} conversations × ${WINDOW} in flight (Switchboard: one tenant)`,
      metric: { label: 'acked msg/s', better: 'higher', format: formatCount },
      outcomes,
      detailColumns: ['ack p50 / p99 ms', 'lost', 'server CPU', 'db/redis CPU', 'loadgen CPU', 'other CPU', 'bound by'],
      notes,
    };
  },
};

export default scenario;
