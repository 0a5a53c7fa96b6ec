import { performance } from 'node:perf_hooks';

import WebSocket from 'ws';

import { benchClaims, signBenchToken } from '../core/bench-token';
import { percentile } from '../core/stats';
import { comeBackAfter } from './eio-lite-client';
import type { StormResult, StormSpec } from './messages';

/**
 * The clients of a connection storm: Engine.IO 4 / Socket.IO 5 over a bare websocket (as
 * eio-lite: to the server the same as socket.io-client with the websocket transport), every
 * one of them handshaking at the same moment, as a call centre's dashboards do after a server
 * restart or a network blip. A client that is told RATE_LIMITED comes back after `retryAfterMs`
 * with jitter, as the SDK does; a client counts as failed when an attempt gets no answer within
 * `timeoutMs` (the handshake timed out), the connection fails, it is refused for another reason,
 * or it would have to come back after `giveUpMs` from the storm's start.
 */
const LAG_SAMPLE_MS = 100;

export class StormClients {
  private sockets: WebSocket[] = [];
  private tokens: string[] = [];

  async run(spec: StormSpec): Promise<StormResult> {
    if (spec.phase === 'connect' || this.tokens.length !== spec.count) {
      this.closeAll();
      this.tokens = await Promise.all(
        Array.from({ length: spec.count }, (_, i) => signBenchToken(benchClaims(i + 1, spec.tenantId, spec.extraClaims), spec.jwtSecret)),
      );
    } else {
      // Everyone drops at once; they come back on the next tick.
      this.closeAll();
      await new Promise((r) => setImmediate(r));
    }
    let refusals = 0;
    const errors: Record<string, number> = {};
    const started = performance.now();
    let lagMs = 0;
    let expected = started + LAG_SAMPLE_MS;
    const lagProbe = setInterval(() => {
      const now = performance.now();
      lagMs = Math.max(lagMs, now - expected);
      expected = now + LAG_SAMPLE_MS;
    }, LAG_SAMPLE_MS);
    const outcomes = await Promise.all(
      this.tokens.map((token, i) =>
        this.open(spec, spec.baseUrls[i % spec.baseUrls.length]!, token, started, () => refusals++).then(
          (socket) => {
            this.sockets.push(socket);
            return performance.now() - started;
          },
          (err: Error) => {
            errors[err.message] = (errors[err.message] ?? 0) + 1;
            return null;
          },
        ),
      ),
    );
    clearInterval(lagProbe);
    const times = outcomes.filter((t): t is number => t !== null);
    return {
      phase: spec.phase,
      connected: times.length,
      failed: outcomes.length - times.length,
      refusals,
      loadgenLagMs: Math.round(lagMs),
      elapsedMs: performance.now() - started,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      errors,
    };
  }

  closeAll(): number {
    const n = this.sockets.length;
    for (const s of this.sockets) s.close();
    this.sockets = [];
    return n;
  }

  /** One client: connects, and on RATE_LIMITED comes back later, until ready or out of time. */
  private open(spec: StormSpec, url: string, token: string, started: number, onRefused: () => void): Promise<WebSocket> {
    const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    // Ready is CONNECT, or the first frame of the ready event; nothing else is decoded, so the
    // load generator is not what limits a storm.
    const readyPrefix = spec.readyEvent ? Buffer.from(`42${JSON.stringify([spec.readyEvent]).slice(0, -1)}`) : null;
    return new Promise((resolve, reject) => {
      const giveUpAt = started + spec.giveUpMs;
      const attempt = () => {
        const ws = new WebSocket(wsUrl, { perMessageDeflate: false, skipUTF8Validation: true });
        let done = false;
        const finish = (err: Error | null, retryAfterMs?: number) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          if (!err) return resolve(ws);
          ws.terminate();
          if (retryAfterMs === undefined) return reject(err);
          const wait = comeBackAfter(retryAfterMs);
          if (performance.now() + wait > giveUpAt) return reject(new Error('gave up: told to come back past the budget'));
          onRefused();
          setTimeout(attempt, wait);
        };
        // Each attempt has the client's own timeout, as socket.io-client's `timeout` applies per attempt.
        // Decided after one more turn of the loop, so an answer already in this process's input (read late
        // when the load generator itself lags) is taken before the attempt is called unanswered.
        const timer = setTimeout(() => setImmediate(() => finish(new Error('timed out'))), spec.timeoutMs);
        ws.on('message', (data: Buffer) => {
          if (data[0] === 0x32) return ws.send('3'); // ping
          if (data[0] === 0x30) return ws.send(`40${JSON.stringify({ token })}`); // open
          if (data[0] !== 0x34) return;
          if (data[1] === 0x30 && !readyPrefix) finish(null);
          else if (readyPrefix && data.subarray(0, readyPrefix.length).equals(readyPrefix)) finish(null);
          else if (data[1] === 0x34) {
            const refusal = parseRefusal(data);
            finish(new Error(refusal.message), refusal.code === 'RATE_LIMITED' ? refusal.retryAfterMs : undefined);
          }
        });
        ws.on('error', (err) => finish(err));
        ws.on('close', (code) => finish(new Error(`closed (${code}) before ready`)));
      };
      attempt();
    });
  }
}

function parseRefusal(frame: Buffer): { message: string; code?: string; retryAfterMs?: number } {
  try {
    const body = JSON.parse(frame.subarray(2).toString('utf8')) as { message?: string; data?: { code?: string; retryAfterMs?: unknown } };
    const after = body.data?.retryAfterMs;
    return { message: body.message ?? 'connect_error', code: body.data?.code, retryAfterMs: typeof after === 'number' ? after : undefined };
  } catch {
    return { message: 'connect_error' };
  }
}
