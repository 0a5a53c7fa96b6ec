import { io, type Socket } from 'socket.io-client';
import { defaultClient as C } from '@switchboard/protocol';
import { benchClaims, signBenchToken } from '../core/benchToken';
import { createHttpPoster } from './createHttpPoster';

/**
 * The noisy tenant of the noisy-neighbour scenario, in a process of its own so that its work does
 * not delay the quiet tenant's client. Several agents flood as hard as acks come back: sockets
 * alternate `send_message` and `typing_start`, one socket replays with `sync { since: 0 }`, and one
 * agent POSTs messages over HTTP; each in rounds of `parallel` requests. Prints `READY` once
 * flooding, and on SIGTERM one JSON line: answers by channel and outcome (ok, an error code).
 *
 * Configuration: NOISY_FLOOD='{"baseUrl","jwtSecret","tenantId","sockets","parallel"}'.
 */
interface FloodConfig {
  baseUrl: string;
  jwtSecret: string;
  tenantId: string;
  sockets: number;
  parallel: number;
}

type Tally = Record<string, number>;
const tallies: Record<'socket' | 'sync' | 'http', Tally> = { socket: {}, sync: {}, http: {} };
let stopping = false;

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

async function loop(parallel: number, once: (i: number) => Promise<string>, tally: Tally): Promise<void> {
  while (!stopping) for (const outcome of await Promise.all(Array.from({ length: parallel }, (_, i) => once(i)))) add(tally, outcome);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.NOISY_FLOOD ?? '{}') as FloodConfig;
  const tokens = await Promise.all(Array.from({ length: cfg.sockets + 1 }, (_, i) => signBenchToken(benchClaims(i, cfg.tenantId), cfg.jwtSecret)));
  const auth = { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' };
  const created = await fetch(`${cfg.baseUrl}/api/conversations`, { method: 'POST', headers: auth, body: '{}' });
  const conversationId = ((await created.json()) as { id: string }).id;
  const sockets = await Promise.all(tokens.slice(1).map((t) => connect(cfg.baseUrl, t)));
  for (const s of sockets) await ask(s, C.join_conversation.name, conversationId);
  const poster = createHttpPoster(`${cfg.baseUrl}/api/conversations/${conversationId}/messages`, { authorization: auth.authorization }, cfg.parallel);
  const body = JSON.stringify({ content: 'flood' });
  const message = { conversationId, content: 'flood' };

  const [replayer, ...senders] = sockets;
  const loops = [
    ...senders.map((s) => loop(cfg.parallel, (i) => ask(s, i % 2 ? C.typing_start.name : C.send_message.name, message), tallies.socket)),
    loop(Math.max(1, cfg.parallel >> 1), () => ask(replayer!, C.sync.name, { since: 0 }), tallies.sync),
    loop(cfg.parallel, () => poster.post(body).then((status) => (status === 201 ? 'ok' : status === 429 ? 'RATE_LIMITED' : `HTTP_${status}`), () => 'NO_ANSWER'), tallies.http),
  ];
  process.stdout.write('READY\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  stopping = true;
  await Promise.all(loops);
  poster.close();
  for (const s of sockets) s.disconnect();
  process.stdout.write(`${JSON.stringify(tallies)}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`noisy flood failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
