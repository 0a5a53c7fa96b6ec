import { defaultClient as C } from '@switchboard/protocol';
import { io, type Socket } from 'socket.io-client';

import { benchClaims, signBenchToken } from '../core/bench-token';
import { createHttpPoster } from './create-http-poster';

/**
 * The noisy tenant of the noisy-neighbour scenario, in a process of its own so that its work does
 * not delay the quiet tenant's client. Open loop, so the pressure does not drop when the server
 * slows down: each agent socket emits `rate` events/s alternating `send_message` and `typing_start`,
 * one agent POSTs `rate` messages/s over HTTP, and (with `sync`) one socket asks `sync { since: 0 }`
 * `rate / 3` times a second; at most `inflight` unanswered per channel. Prints `READY` once flooding,
 * and on SIGTERM one JSON line: answers by channel and outcome (ok, an error code).
 *
 * Configuration: NOISY_FLOOD='{"baseUrl","jwtSecret","tenantId","sockets","rate","inflight","sync"}'.
 */
interface FloodConfig {
  baseUrl: string;
  jwtSecret: string;
  tenantId: string;
  sockets: number;
  rate: number;
  inflight: number;
  sync: boolean;
}

type Tally = Record<string, number>;
const tallies: Record<string, Tally> = { socket: {}, http: {} };
const TICK_MS = 20;

const add = (tally: Tally, outcome: string) => (tally[outcome] = (tally[outcome] ?? 0) + 1);

function connect(baseUrl: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(baseUrl, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function ask(socket: Socket, event: string, payload: unknown): Promise<string> {
  try {
    const res = (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: boolean; error?: { code: string } };
    return res.ok ? 'ok' : (res.error?.code ?? 'UNKNOWN');
  } catch {
    return 'NO_ANSWER';
  }
}

/** Calls `once` `perSecond` times a second, skipping a call while `inflight` are unanswered (counted as SKIPPED). */
function pace(perSecond: number, inflight: number, once: (i: number) => Promise<string>, tally: Tally): { stop(): Promise<void> } {
  let open = 0;
  let due = 0;
  let n = 0;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    due += (perSecond * TICK_MS) / 1_000;
    for (; due >= 1; due--) {
      if (open >= inflight) {
        add(tally, 'SKIPPED');
        continue;
      }
      open++;
      const p: Promise<void> = once(n++).then((outcome) => {
        open--;
        add(tally, outcome);
        pending.delete(p);
      });
      pending.add(p);
    }
  }, TICK_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.NOISY_FLOOD ?? '{}') as FloodConfig;
  const tokens = await Promise.all(
    Array.from({ length: cfg.sockets + 1 }, (_, i) => signBenchToken(benchClaims(i, cfg.tenantId), cfg.jwtSecret)),
  );
  const auth = { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' };
  const created = await fetch(`${cfg.baseUrl}/api/conversations`, { method: 'POST', headers: auth, body: '{}' });
  const conversationId = ((await created.json()) as { id: string }).id;
  const sockets = await Promise.all(tokens.slice(1).map((t) => connect(cfg.baseUrl, t)));
  for (const s of sockets) await ask(s, C.join_conversation.name, conversationId);
  const poster = createHttpPoster(
    `${cfg.baseUrl}/api/conversations/${conversationId}/messages`,
    { authorization: auth.authorization },
    cfg.inflight,
  );
  const body = JSON.stringify({ content: 'flood' });
  const message = { conversationId, content: 'flood' };

  const [replayer, ...senders] = sockets;
  const loops = [
    ...senders.map((s) =>
      pace(cfg.rate, cfg.inflight, (i) => ask(s, i % 2 ? C.typing_start.name : C.send_message.name, message), tallies.socket!),
    ),
    pace(
      cfg.rate,
      cfg.inflight,
      () =>
        poster.post(body).then(
          (status) => (status === 201 ? 'ok' : status === 429 ? 'RATE_LIMITED' : `HTTP_${status}`),
          () => 'NO_ANSWER',
        ),
      tallies.http!,
    ),
  ];
  if (cfg.sync)
    loops.push(pace(Math.max(1, cfg.rate / 3), cfg.inflight, () => ask(replayer!, C.sync.name, { since: 0 }), (tallies.sync = {})));
  process.stdout.write('READY\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all(loops.map((l) => l.stop()));
  poster.close();
  for (const s of sockets) s.disconnect();
  process.stdout.write(`${JSON.stringify(tallies)}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`noisy flood failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
