/**
 * Benchmark options, read once from the environment. Every knob has a default
 * chosen so that a full `npm run bench` takes a few minutes on two cores.
 *
 * @example
 * BENCH_CLIENTS=500 BENCH_SECONDS=2 BENCH_ONLY=fanout npm run bench
 */
import type { ClientKind } from '../loadgen/messages';

export interface BenchOptions {
  /** Authenticated clients per server (BENCH_CLIENTS, default 2000). */
  clients: number;
  /** Length of one measured round, seconds (BENCH_SECONDS, default 5). */
  seconds: number;
  /** Measured rounds per server; the median is reported (BENCH_ROUNDS, default 3). */
  rounds: number;
  /** Unmeasured warm-up before the first round, seconds (BENCH_WARMUP_SECONDS, default 1). */
  warmupSeconds: number;
  /** Scenario names to run; empty means all (BENCH_ONLY=fanout,idle-memory). */
  only: string[];
  /** Server names to run; empty means all (BENCH_TARGETS=naive-000,raw-ws). */
  targets: string[];
  /**
   * Client the load generator uses against Socket.IO servers (BENCH_CLIENT):
   * `eio-lite` (default, cheapest correct client) or `socket.io-client`.
   */
  clientKind: Exclude<ClientKind, 'ws'>;
  /** Broadcasts in flight at once during fan-out (BENCH_INFLIGHT, default 8). */
  inflight: number;
  /** Size of the broadcast payload's JSON, bytes (BENCH_PAYLOAD_BYTES, default 200). */
  payloadBytes: number;
  /** Event name the fan-out broadcasts (BENCH_EVENT, default bench_tick). */
  event: string;
  /** Idle connections of the many-connections scenario (BENCH_MANY_CLIENTS, default 50000). */
  manyClients: number;
  /** Clients per tenant in the many-connections scenario (BENCH_MANY_PER_TENANT, default 100). */
  manyPerTenant: number;
  /** Wait after connecting before memory is read, ms (BENCH_SETTLE_MS, default 3000). */
  settleMs: number;
  /** Handshakes in flight while connecting clients (BENCH_CONNECT_CONCURRENCY, default 100). */
  connectConcurrency: number;
  /**
   * Before each measured round, wait up to this many seconds for other processes
   * to leave the CPUs alone (BENCH_QUIET_WAIT, default 30; 0 disables the wait).
   */
  quietWaitSeconds: number;
  /** Times a round is repeated when other processes used the CPUs during it (BENCH_NOISY_RETRIES, default 2). */
  noisyRetries: number;
  /** How long one client may take to connect and authenticate, seconds (BENCH_CONNECT_TIMEOUT, default 60). */
  connectTimeoutSeconds: number;
  /**
   * Niceness of servers and load generators (BENCH_NICE, default 0). On a shared
   * machine, -10 or lower (root only) makes other processes yield the pinned cores.
   */
  nice: number;
  /** Pin server and load generator to different cores with taskset (BENCH_PIN, default 1). */
  pin: boolean;
  /** Where the dated section is appended; empty disables (BENCH_DOC, default docs/benchmarks.md). */
  doc: string;
  /** Chat latency: conversations, each in a tenant of its own with a sender and its listeners (BENCH_CHAT_GROUPS, default 100). */
  chatGroups: number;
  /** Chat latency: listeners per conversation besides the sender (BENCH_CHAT_MEMBERS, default 6, at most 30). */
  chatMembers: number;
  /** Chat latency: message rates to measure, messages/s over all conversations (BENCH_CHAT_RATES, default 200,1000). */
  chatRates: number[];
}

function int(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  }
  return Math.floor(value);
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got "${raw}"`);
  return value;
}

function list(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
}

function rates(): number[] {
  const raw = list('BENCH_CHAT_RATES');
  if (raw.length === 0) return [200, 1000];
  const values = raw.map(Number);
  if (values.some((v) => !Number.isFinite(v) || v <= 0))
    throw new Error(`BENCH_CHAT_RATES must be positive numbers, got "${raw.join(',')}"`);
  return values;
}

function clientKind(): BenchOptions['clientKind'] {
  const raw = (process.env.BENCH_CLIENT ?? 'eio-lite').trim();
  if (raw === 'eio-lite' || raw === 'socket.io-client') return raw;
  throw new Error(`BENCH_CLIENT must be eio-lite or socket.io-client, got "${raw}"`);
}

function niceness(): number {
  const raw = process.env.BENCH_NICE?.trim();
  if (!raw) return 0;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < -20 || value > 19) throw new Error(`BENCH_NICE must be an integer from -20 to 19, got "${raw}"`);
  return value;
}

export function readBenchOptions(): BenchOptions {
  const doc = process.env.BENCH_DOC ?? 'docs/benchmarks.md';
  return {
    clients: int('BENCH_CLIENTS', 2000),
    seconds: num('BENCH_SECONDS', 5) || 5,
    rounds: int('BENCH_ROUNDS', 3),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 1),
    only: list('BENCH_ONLY'),
    targets: list('BENCH_TARGETS'),
    clientKind: clientKind(),
    inflight: int('BENCH_INFLIGHT', 8),
    payloadBytes: int('BENCH_PAYLOAD_BYTES', 200, 64),
    event: process.env.BENCH_EVENT?.trim() || 'bench_tick',
    settleMs: int('BENCH_SETTLE_MS', 3000, 0),
    manyClients: int('BENCH_MANY_CLIENTS', 50000),
    manyPerTenant: int('BENCH_MANY_PER_TENANT', 100),
    connectConcurrency: int('BENCH_CONNECT_CONCURRENCY', 100),
    quietWaitSeconds: num('BENCH_QUIET_WAIT', 30),
    noisyRetries: int('BENCH_NOISY_RETRIES', 2, 0),
    connectTimeoutSeconds: num('BENCH_CONNECT_TIMEOUT', 60) || 60,
    nice: niceness(),
    pin: flag('BENCH_PIN', true),
    doc: ['0', 'false', 'off', 'none'].includes(doc.toLowerCase()) ? '' : doc,
    chatGroups: int('BENCH_CHAT_GROUPS', 100),
    chatMembers: Math.min(30, int('BENCH_CHAT_MEMBERS', 6)),
    chatRates: rates(),
  };
}

/** The options as `KEY=value` pairs, for the report. */
export function describeOptions(o: BenchOptions): string {
  return [
    `BENCH_CLIENTS=${o.clients}`,
    `BENCH_SECONDS=${o.seconds}`,
    `BENCH_ROUNDS=${o.rounds}`,
    `BENCH_WARMUP_SECONDS=${o.warmupSeconds}`,
    `BENCH_CLIENT=${o.clientKind}`,
    `BENCH_INFLIGHT=${o.inflight}`,
    `BENCH_PAYLOAD_BYTES=${o.payloadBytes}`,
    `BENCH_SETTLE_MS=${o.settleMs}`,
    `BENCH_MANY_CLIENTS=${o.manyClients}`,
    `BENCH_MANY_PER_TENANT=${o.manyPerTenant}`,
    `BENCH_QUIET_WAIT=${o.quietWaitSeconds}`,
    `BENCH_NOISY_RETRIES=${o.noisyRetries}`,
    o.only.length ? `BENCH_ONLY=${o.only.join(',')}` : '',
    o.targets.length ? `BENCH_TARGETS=${o.targets.join(',')}` : '',
    o.nice ? `BENCH_NICE=${o.nice}` : '',
    `BENCH_CHAT_GROUPS=${o.chatGroups}`,
    `BENCH_CHAT_MEMBERS=${o.chatMembers}`,
    `BENCH_CHAT_RATES=${o.chatRates.join(',')}`,
    o.pin ? '' : 'BENCH_PIN=0',
  ]
    .filter(Boolean)
    .join(' ');
}
