import { defaultClient as C } from '@switchboard/protocol';
import { io, type Socket } from 'socket.io-client';

import { shortError, unavailable } from '../core/bench-session';
import { benchClaims, signBenchToken } from '../core/bench-token';
import { stopChild } from '../core/child-processes';
import type { Scenario, ScenarioContext, TargetOutcome } from '../core/scenario';
import { sleep } from '../core/sleep';
import { type SpawnedNode, spawnNode } from '../core/spawn-node';
import { median, percentile, ratio } from '../core/stats';
import { formatMs, formatRatio } from '../report/format';
import type { RunningServer, ServerTarget } from '../targets/server-target';

/** The quiet tenant chats at this rate throughout (issue 11: 4 msg/s). */
const QUIET_PER_S = 4;
/** Rate limits as shipped (the other scenarios raise them out of the way). */
const LIMITS = { RATE_LIMIT_POINTS: '60', RATE_LIMIT_WINDOW_S: '10' };
/** The noisy tenant's agent sockets (one of them replays); with its HTTP agent, more than the tenant's ceiling. */
const NOISY_SOCKETS = 9;
/** Events/s each noisy channel attempts: 5x a socket's budget of sends. */
const NOISY_RATE = 30;
const NOISY_INFLIGHT = 50;

type Tally = Record<string, number>;
interface QuietRound {
  acks: number[];
  outcomes: Tally;
}
interface Round {
  calm: QuietRound;
  /** Flood of writes only (sockets and HTTP), then writes and replays (`sync`). */
  writes: QuietRound;
  flooded: QuietRound;
  noisy: Record<string, Tally>;
}

const add = (tally: Tally, key: string, n = 1) => (tally[key] = (tally[key] ?? 0) + n);

/** send_message at QUIET_PER_S on a fixed schedule (open loop), send → ack time of each. */
async function quietRound(socket: Socket, conversationId: string, seconds: number): Promise<QuietRound> {
  const count = Math.max(1, Math.round(seconds * QUIET_PER_S));
  const start = performance.now();
  const pending: Array<Promise<{ ms: number; outcome: string }>> = [];
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, start + (i * 1_000) / QUIET_PER_S - performance.now()));
    const sent = performance.now();
    pending.push(
      (
        socket.timeout(30_000).emitWithAck(C.send_message.name, { conversationId, content: `quiet ${i}` }) as Promise<{
          ok: boolean;
          error?: { code: string };
        }>
      ).then(
        (res) => ({ ms: performance.now() - sent, outcome: res.ok ? 'ok' : (res.error?.code ?? 'UNKNOWN') }),
        () => ({ ms: Number.NaN, outcome: 'NO_ANSWER' }),
      ),
    );
  }
  const outcomes: Tally = {};
  const acks: number[] = [];
  for (const r of await Promise.all(pending)) {
    add(outcomes, r.outcome);
    if (r.outcome === 'ok') acks.push(r.ms);
  }
  return { acks, outcomes };
}

/** Starts the noisy tenant's process (bench/loadgen/noisy-flood.ts) and resolves once it floods. */
async function startFlood(
  ctx: ScenarioContext,
  server: RunningServer,
  sync: boolean,
): Promise<{ node: SpawnedNode; stop(): Promise<Record<string, Tally>> }> {
  const node = spawnNode({
    script: 'bench/loadgen/noisy-flood.ts',
    cwd: ctx.cwd,
    cpu: ctx.pin.loadgenCpu,
    env: {
      ...process.env,
      NOISY_FLOOD: JSON.stringify({
        baseUrl: server.baseUrl,
        jwtSecret: ctx.jwtSecret,
        tenantId: 'nn-noisy',
        sockets: NOISY_SOCKETS,
        rate: NOISY_RATE,
        inflight: NOISY_INFLIGHT,
        sync,
      }),
    },
  });
  let out = '';
  node.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => out.includes('READY\n') && (clearInterval(timer), resolve()), 50);
    node.child.once('exit', (code) => (clearInterval(timer), reject(new Error(`noisy flood exited (${code}): ${node.output.text()}`))));
  });
  return {
    node,
    stop: async () => {
      await stopChild(node.child, 30_000);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as Record<string, Tally>) : {};
    },
  };
}

async function measureTarget(ctx: ScenarioContext, target: ServerTarget): Promise<Round[]> {
  const server = await target.start({
    cwd: ctx.cwd,
    jwtSecret: ctx.jwtSecret,
    internalApiKey: ctx.internalApiKey,
    cpu: ctx.pin.serverCpu,
    fdLimit: ctx.fdLimit,
    nice: ctx.options.nice,
    inspect: false,
    env: LIMITS,
  });
  let socket: Socket | undefined;
  try {
    const token = await signBenchToken(benchClaims(0, 'nn-quiet'), ctx.jwtSecret);
    const created = await fetch(`${server.baseUrl}/api/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const conversationId = ((await created.json()) as { id: string }).id;
    socket = io(server.baseUrl, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => (socket!.once('connect', () => resolve()), socket!.once('connect_error', reject)));
    await socket.emitWithAck(C.join_conversation.name, conversationId);
    await quietRound(socket, conversationId, Math.max(1, ctx.options.warmupSeconds));
    const rounds: Round[] = [];
    for (let r = 0; r < ctx.options.rounds; r++) {
      const calm = await quietRound(socket, conversationId, ctx.options.seconds);
      const underFlood = async (sync: boolean) => {
        const flood = await startFlood(ctx, server, sync);
        const quiet = await sleep(1_000)
          .then(() => quietRound(socket!, conversationId, ctx.options.seconds))
          .catch(async (err: unknown) => {
            await flood.stop();
            throw err;
          });
        return { quiet, noisy: await flood.stop() };
      };
      const writes = (await underFlood(false)).quiet;
      const { quiet: flooded, noisy } = await underFlood(true);
      const p = (q: QuietRound, n: number) => formatMs(percentile(q.acks, n));
      ctx.log(
        `noisy-neighbour: ${target.name} round ${r + 1}: quiet ack p50/p99 ${p(calm, 50)}/${p(calm, 99)} ms alone, ` +
          `${p(writes, 50)}/${p(writes, 99)} ms under a write flood, ${p(flooded, 50)}/${p(flooded, 99)} ms under writes and sync; ` +
          `quiet ${JSON.stringify(flooded.outcomes)} ${JSON.stringify(writes.outcomes)}; noisy ${JSON.stringify(noisy)}`,
      );
      rounds.push({ calm, writes, flooded, noisy });
    }
    return rounds;
  } finally {
    socket?.disconnect();
    await server.stop();
  }
}

function outcomeOf(target: ServerTarget, rounds: Round[]): TargetOutcome {
  const med = (f: (r: Round) => number | null) => median(rounds.map(f));
  const ratios = rounds.map((r) => ratio(percentile(r.flooded.acks, 99), percentile(r.calm.acks, 99)));
  const quiet: Tally = {};
  const noisy: Record<string, Tally> = {};
  for (const r of rounds) {
    for (const q of [r.writes, r.flooded]) for (const [k, n] of Object.entries(q.outcomes)) add(quiet, k, n);
    for (const [channel, tally] of Object.entries(r.noisy)) for (const [k, n] of Object.entries(tally)) add((noisy[channel] ??= {}), k, n);
  }
  const show = (t: Tally | undefined) =>
    t
      ? Object.entries(t)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')
      : 'n/a';
  return {
    target: target.name,
    status: 'ok',
    rounds: ratios,
    median: median(ratios),
    details: {
      'alone p50 / p99 ms': `${formatMs(med((r) => percentile(r.calm.acks, 50)))} / ${formatMs(med((r) => percentile(r.calm.acks, 99)))}`,
      'writes flood p50 / p99 ms': `${formatMs(med((r) => percentile(r.writes.acks, 50)))} / ${formatMs(med((r) => percentile(r.writes.acks, 99)))}`,
      'flooded p50 / p99 ms': `${formatMs(med((r) => percentile(r.flooded.acks, 50)))} / ${formatMs(med((r) => percentile(r.flooded.acks, 99)))}`,
      'quiet sends (flooded)': show(quiet),
      'noisy sockets': show(noisy.socket),
      'noisy HTTP': show(noisy.http),
      'noisy sync': show(noisy.sync),
    },
  };
}

const scenario: Scenario = {
  name: 'noisy-neighbour',
  title: 'Noisy neighbour',
  order: 40,
  method:
    `One tenant chats at ${QUIET_PER_S} messages/s (send_message on a fixed schedule, one socket.io-client socket in the runner) while the server runs with its shipped rate limits ` +
    `(RATE_LIMIT_POINTS=60 per 10 s; the tenant ceiling 10× that). Each round measures the quiet tenant's send → ack time alone, then while another tenant floods from a process of its own: ` +
    `${NOISY_SOCKETS - 1} agent sockets each emitting ${NOISY_RATE} events/s alternating send_message and typing_start, and one agent POSTing ${NOISY_RATE} messages/s (the write flood), ` +
    `then the same plus one socket asking sync { since: 0 } ${NOISY_RATE / 3} times a second (the full flood); open loop, at most ${NOISY_INFLIGHT} unanswered per channel. ` +
    `The noisy process runs on the load generator's core, beside the runner and its quiet client. The headline is the full flood's p99 over the alone p99 (target: at most 2×), ` +
    'the median of the rounds. Refused and unanswered sends of both tenants are counted.',
  async run(ctx) {
    const outcomes: TargetOutcome[] = [];
    for (const target of ctx.targets) {
      const why = target.name === 'switchboard' || target.name.startsWith('sb-') ? unavailable(ctx, target) : 'no rate limits to measure';
      if (why) {
        outcomes.push({ target: target.name, status: 'unavailable', reason: why, rounds: [], median: null, details: {} });
        continue;
      }
      try {
        outcomes.push(outcomeOf(target, await measureTarget(ctx, target)));
      } catch (err) {
        ctx.log(`noisy-neighbour: ${target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        outcomes.push({ target: target.name, status: 'failed', reason: shortError(err), rounds: [], median: null, details: {} });
      }
    }
    const notes: string[] = [];
    for (const oc of outcomes) {
      if (
        oc.status === 'ok' &&
        oc.details['quiet sends (flooded)'] !== `ok ${2 * ctx.options.rounds * Math.max(1, Math.round(ctx.options.seconds * QUIET_PER_S))}`
      ) {
        notes.push(`${oc.target}: the quiet tenant had sends refused or unanswered: ${oc.details['quiet sends (flooded)']}.`);
      }
    }
    if (!ctx.pin.enabled) notes.push(`CPU pinning ${ctx.pin.description}: server and clients share cores.`);
    return {
      name: 'noisy-neighbour',
      title: `Noisy neighbour: a tenant chatting at ${QUIET_PER_S} msg/s while another floods at the rate limits`,
      metric: { label: 'flooded p99 / alone p99', better: 'lower', format: formatRatio },
      outcomes,
      detailColumns: [
        'alone p50 / p99 ms',
        'writes flood p50 / p99 ms',
        'flooded p50 / p99 ms',
        'quiet sends (flooded)',
        'noisy sockets',
        'noisy HTTP',
        'noisy sync',
      ],
      notes,
    };
  },
};

export default scenario;
