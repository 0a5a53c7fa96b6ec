/**
 * @socket.io/redis-adapter (sharded pub/sub) against @socket.io/redis-streams-adapter, as Switchboard
 * configures them (cluster/socket-adapter.ts): two Socket.IO servers in their own processes, clients
 * on server B, broadcasts raised on server A travelling through Redis. Figures: broadcasts per second
 * that reach B's clients, delivery latency, and the latency of `fetchSockets` and `serverSideEmit`

 * (round trip) across the two servers (what Switchboard uses the adapter for; domain events do not cross it).
 *
 * @example
 * node --import tsx bench/adapters/compare-redis-adapters.ts
 * REDIS_URL=redis://127.0.0.1:6379 CLIENTS=200 RATES=100,300,900 SECONDS=4 node --import tsx bench/adapters/compare-redis-adapters.ts
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';

import { type RedisAdapterKind, redisSocketAdapter } from '../../packages/server/src/cluster/socket-adapter';
import { createLogger } from '../../packages/server/src/log';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENTS = Number(process.env.CLIENTS ?? 200);
const RATES = (process.env.RATES ?? '100,300,900').split(',').map(Number);
const SECONDS = Number(process.env.SECONDS ?? 4);
const KINDS: RedisAdapterKind[] = ['sharded', 'streams'];

type Command = { cmd: 'burst'; rate: number; seconds: number } | { cmd: 'probe'; n: number };

/** A child: one Socket.IO server with the adapter; the emitter also runs bursts and probes. */
async function serve(kind: RedisAdapterKind, prefix: string): Promise<void> {
  const adapter = await redisSocketAdapter(REDIS_URL, prefix, kind, createLogger('silent'));
  const http = createServer();
  const io = new Server(http, { adapter: adapter.factory, perMessageDeflate: false });
  io.on('connection', (s) => void s.join('room'));
  // A round trip through the adapter: ping from one server, pong from the other.
  const pongs = new Map<number, () => void>();
  io.on('bench:ping' as never, ((id: number) => io.serverSideEmit('bench:pong', id)) as never);
  io.on('bench:pong' as never, ((id: number) => pongs.get(id)?.()) as never);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  process.send?.({ ready: port });
  // A failed command kills this child: the parent sees the exit instead of waiting forever for a reply.
  process.on('message', (m: Command) => {
    onCommand(m).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
  async function onCommand(m: Command): Promise<void> {
    if (m.cmd === 'burst') {
      const every = 1_000 / m.rate;
      const end = Date.now() + m.seconds * 1_000;
      let next = Date.now();
      let sent = 0;
      while (Date.now() < end) {
        // Emits in small batches on a schedule, so a slow adapter shows as lost rate, not as a stall.
        while (next <= Date.now()) {
          io.to('room').emit('tick', { t: Date.now(), n: sent++ });
          next += every;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      process.send?.({ burstDone: sent });
    } else if (m.cmd === 'probe') {
      const fetchMs: number[] = [];
      const emitMs: number[] = [];
      for (let i = 0; i < m.n; i++) {
        let t = performance.now();
        await io.fetchSockets();
        fetchMs.push(performance.now() - t);
        t = performance.now();
        await new Promise<void>((resolve) => {
          pongs.set(i, resolve);
          io.serverSideEmit('bench:ping', i);
        });
        pongs.delete(i);
        emitMs.push(performance.now() - t);
      }
      process.send?.({ probe: { fetchMs, emitMs } });
    }
  }
}

function start(kind: RedisAdapterKind, prefix: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind, prefix], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve({ child, port: m.ready }) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

const ask = <T>(child: ChildProcess, cmd: Command, key: string): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(cmd);
  });

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function measure(kind: RedisAdapterKind): Promise<string[]> {
  const prefix = `bench-adapters-${randomBytes(3).toString('hex')}`;
  const a = await start(kind, prefix);
  const b = await start(kind, prefix);
  const clients: Socket[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = connect(`http://127.0.0.1:${b.port}`, { transports: ['websocket'], forceNew: true });
    clients.push(c);
  }
  await Promise.all(clients.map((c) => new Promise<void>((r) => (c.connected ? r() : void c.once('connect', () => r())))));
  await new Promise((r) => setTimeout(r, 500));
  const rows: string[] = [];
  // Probed while idle: after a burst the receiving server may still be working off its backlog.
  const probe = await ask<{ fetchMs: number[]; emitMs: number[] }>(a.child, { cmd: 'probe', n: 200 }, 'probe');
  for (const rate of RATES) {
    const latencies: number[] = [];
    let deliveries = 0;
    const seen = new Set<number>();
    const on = (p: { t: number; n: number }) => {
      deliveries++;
      seen.add(p.n);
      if (deliveries % 10 === 0) latencies.push(Date.now() - p.t);
    };
    clients.forEach((c) => c.on('tick', on));
    const t0 = performance.now();
    const sent = await ask<number>(a.child, { cmd: 'burst', rate, seconds: SECONDS }, 'burstDone');
    // Let the receiving side finish what is in flight; a backlog shows as lower deliveries/s.
    await new Promise((r) => setTimeout(r, 1_000));
    const elapsed = (performance.now() - t0) / 1_000;
    clients.forEach((c) => c.off('tick', on));
    rows.push(
      `| ${kind} | ${rate} | ${sent} | ${seen.size} | ${Math.round(deliveries / elapsed)} | ${pct(latencies, 50)} | ${pct(latencies, 99)} |`,
    );
  }
  rows.push(
    `| ${kind} | fetchSockets across 2 servers: p50 ${pct(probe.fetchMs, 50).toFixed(2)} ms, p99 ${pct(probe.fetchMs, 99).toFixed(2)} ms; serverSideEmit round trip: p50 ${pct(probe.emitMs, 50).toFixed(2)} ms, p99 ${pct(probe.emitMs, 99).toFixed(2)} ms | | | | | |`,
  );
  clients.forEach((c) => c.disconnect());
  a.child.kill('SIGKILL');
  b.child.kill('SIGKILL');
  return rows;
}

if (process.argv[2] === 'serve') {
  await serve(process.argv[3] as RedisAdapterKind, process.argv[4] as string);
} else {
  console.log(`Redis adapters: ${CLIENTS} clients on server B, broadcasts from server A for ${SECONDS} s per rate; Redis ${REDIS_URL}\n`);
  console.log('| adapter | target broadcasts/s | sent | distinct received | deliveries/s | latency p50 ms | latency p99 ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const kind of KINDS) for (const row of await measure(kind)) console.log(row);
  process.exit(0);
}
