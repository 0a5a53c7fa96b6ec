import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type ChannelModel, type ConfirmChannel, connect, type Options } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';

import type { BridgeStatus } from '../../src/bridges/amqp-bridge';
import type { Switchboard } from '../../src/build-server';
import type { Config } from '../../src/config';
// Every wait here polls RabbitMQ or another test file's lock: outside processes with no event to wait for.
import { sleep } from './events';

/**
 * RabbitMQ for the bridge tests: the machine's broker (TEST_AMQP_URL, default
 * amqp://guest:guest@127.0.0.1:5672). Without it the bridge tests are skipped with a line saying
 * so; under CI=true it is started if needed, and a broker that still cannot be reached fails the run.
 */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const IN_CI = process.env.CI === 'true';
const where = (): string => {
  const url = new URL(TEST_AMQP_URL);
  return `${url.hostname}:${url.port || 5672}`;
};

async function canConnect(): Promise<boolean> {
  try {
    const connection = await connect(TEST_AMQP_URL, { timeout: 2_000 });
    connection.on('error', () => undefined);
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

function run(command: string): void {
  try {
    execSync(command, { stdio: 'inherit', shell: '/bin/sh' });
  } catch {
    // Already running, or not installed: the connection attempts decide.
  }
}

const LOCK_DIR = path.join(os.tmpdir(), 'switchboard-rabbitmq-tests.lock');

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but not ours. No pid file yet: the holder is writing it, unless that was long ago.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return Date.now() - (statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000;
    return code === 'EPERM';
  }
}

/** Waits while a live test file holds the broker lock (the restart test stops the broker while it does). */
async function brokerLockReleased(waitMs: number): Promise<void> {
  const end = Date.now() + waitMs;
  while (existsSync(LOCK_DIR) && lockHolderAlive() && Date.now() < end) await sleep(250);
}

async function detectRabbitmq(): Promise<boolean> {
  if (await canConnect()) return true;
  // Refused while another file's restart test has the broker stopped: a reason to wait, not to skip
  // (nor, under CI, to start it in the middle of that test).
  await brokerLockReleased(240_000);
  if (await canConnect()) return true;
  if (!IN_CI) {
    console.warn(`[tests] RabbitMQ not reachable at ${where()}: skipping the RabbitMQ bridge tests (CI=true requires them).`);
    return false;
  }
  // A node left running with its application stopped (rabbitmqctl stop_app) needs start_app, and
  // `rabbitmq-server -detached` would exit 0 without doing anything; a stopped node fails start_app.
  run('rabbitmqctl -q start_app 2>/dev/null || rabbitmq-server -detached');
  for (let attempt = 0; attempt < 60; attempt += 1) {
    if (await canConnect()) return true;
    await sleep(1_000);
  }
  throw new Error(`CI=true and RabbitMQ is not reachable at ${where()}, even after trying to start it`);
}

export const rabbitmqAvailable: boolean = await detectRabbitmq();

/** `rabbitmqctl stop_app`: the node stays up, every connection is closed and the port refuses new ones. */
export function stopBroker(): void {
  execSync('rabbitmqctl -q stop_app', { stdio: 'inherit' });
}

/** `rabbitmqctl start_app`: durable queues and their persistent messages come back. */
export function startBroker(): void {
  execSync('rabbitmqctl -q start_app', { stdio: 'inherit' });
}

/** After a restart test, whatever happened: the broker is serving again for the next file. */
export async function ensureBrokerUp(): Promise<void> {
  if (await canConnect()) return;
  run('rabbitmqctl -q start_app');
  for (let attempt = 0; attempt < 30 && !(await canConnect()); attempt += 1) await sleep(1_000);
}

export interface TestQueues {
  inbound: string;
  status: string;
  all: string[];
}

/** Queue names of their own per suite, so test files and engine variants never share deliveries. */
export function uniqueQueues(label: string): TestQueues {
  const base = `sb-test-${label}-${randomBytes(4).toString('hex')}`;
  const inbound = `${base}-inbound`;
  const status = `${base}-status`;
  return { inbound, status, all: [inbound, `${inbound}.dlq`, status, `${status}.dlq`] };
}

export function bridgeConfig(queues: TestQueues, more: Partial<Config> = {}): Partial<Config> {
  return {
    AMQP_URL: TEST_AMQP_URL,
    AMQP_INBOUND_QUEUE: queues.inbound,
    AMQP_STATUS_QUEUE: queues.status,
    AMQP_RETRY_DELAY_MS: 100,
    ...more,
  };
}

/** The running bridge's status; fails when the server was built without AMQP_URL. */
export function bridgeStatus(sb: Switchboard): BridgeStatus {
  const bridge = sb.bridges.amqp;
  if (!bridge) throw new Error('this server runs no RabbitMQ bridge');
  return bridge.status();
}

/** Waits until `check` holds for the bridge's status, polling every 20 ms; returns when it did. */
export async function waitForBridge(
  sb: Switchboard,
  check: (s: BridgeStatus) => boolean,
  ms = 20_000,
  what = 'bridge condition',
): Promise<BridgeStatus> {
  const end = Date.now() + ms;
  for (;;) {
    const status = bridgeStatus(sb);
    if (check(status)) return status;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; bridge status ${JSON.stringify(status)}`);
    await sleep(20);
  }
}

export interface ReceivedMessage {
  body: string;
  headers: Record<string, unknown>;
}

/**
 * The test's own client of the broker: publishes with publisher confirms (a resolved publish is a
 * message the broker has taken responsibility for) and reads queues. Re-connects on demand, so it
 * can keep publishing across a broker restart.
 */
export class TestBroker {
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;

  private async ready(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const connection = await connect(TEST_AMQP_URL, { timeout: 2_000 });
    const forget = () => {
      if (this.connection === connection) {
        this.connection = null;
        this.channel = null;
      }
    };
    connection.on('error', forget);
    connection.on('close', forget);
    const channel = await connection.createConfirmChannel();
    channel.on('error', forget);
    channel.on('close', forget);
    this.connection = connection;
    this.channel = channel;
    return channel;
  }

  /** Resolves once the broker confirmed the message; rejects when it did not. */
  async publish(queue: string, body: unknown, options: Options.Publish = {}): Promise<void> {
    const channel = await this.ready();
    await channel.assertQueue(queue, { durable: true });
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    await new Promise<void>((resolve, reject) => {
      channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json', ...options }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  /** Publishes until confirmed, reconnecting between attempts; for publishing through a broker restart. */
  async publishUntilConfirmed(queue: string, body: unknown, deadlineMs = 60_000): Promise<number> {
    const end = Date.now() + deadlineMs;
    for (let attempts = 1; ; attempts += 1) {
      try {
        await this.publish(queue, body);
        return attempts;
      } catch (err) {
        this.drop();
        if (Date.now() > end) throw err;
        await sleep(200);
      }
    }
  }

  /** Takes the next message off a queue, or null when it is empty. */
  async take(queue: string): Promise<ReceivedMessage | null> {
    const msg = await (await this.ready()).get(queue, { noAck: true });
    return msg ? { body: msg.content.toString('utf8'), headers: msg.properties.headers ?? {} } : null;
  }

  /** Waits for `count` messages on `queue` and takes them. */
  async takeAll(queue: string, count: number, ms = 10_000): Promise<ReceivedMessage[]> {
    const out: ReceivedMessage[] = [];
    const end = Date.now() + ms;
    while (out.length < count) {
      const msg = await this.take(queue);
      if (msg) out.push(msg);
      else if (Date.now() > end) throw new Error(`only ${out.length} of ${count} messages on ${queue} within ${ms} ms`);
      else await sleep(50);
    }
    return out;
  }

  async messageCount(queue: string): Promise<number> {
    return (await (await this.ready()).checkQueue(queue)).messageCount;
  }

  async deleteQueues(queues: readonly string[]): Promise<void> {
    const channel = await this.ready();
    for (const queue of queues) await channel.deleteQueue(queue);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.drop();
    await connection?.close().catch(() => undefined);
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    connection?.close().catch(() => undefined);
  }
}

/**
 * One bridge test file at a time on the shared broker: the restart test stops it, which would
 * fail whatever another worker was doing with it. mkdir is atomic, so it serves as a lock across
 * vitest's worker processes; a lock left by a dead process is taken over.
 */
export function holdBrokerForThisFile(waitMs = 240_000): void {
  let held = false;
  beforeAll(async () => {
    const end = Date.now() + waitMs;
    for (;;) {
      try {
        mkdirSync(LOCK_DIR);
        writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
        held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (!lockHolderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true });
        else if (Date.now() > end) throw new Error('another bridge test file held the RabbitMQ lock for too long', { cause: err });
        else await sleep(250);
      }
    }
  }, waitMs + 5_000);
  afterAll(() => {
    if (held) rmSync(LOCK_DIR, { recursive: true, force: true });
  });
}
