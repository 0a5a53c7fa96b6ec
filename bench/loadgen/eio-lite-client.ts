import WebSocket from 'ws';

import type { BenchClient, ConnectClient } from './bench-client';
import { readSeq } from './bench-payload';

// Engine.IO 4 packet types (first byte) and Socket.IO 5 packet types (second byte of a MESSAGE).
const EIO_OPEN = 0x30; // '0'
const EIO_CLOSE = 0x31; // '1'
const EIO_PING = 0x32; // '2'
const EIO_MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '0'
const SIO_EVENT = 0x32; // '2'
const SIO_CONNECT_ERROR = 0x34; // '4'

/** What the SDK does with a RATE_LIMITED refusal: wait retryAfterMs plus up to half of it again. */
export const comeBackAfter = (retryAfterMs: number) => retryAfterMs + retryAfterMs * 0.5 * Math.random();

/**
 * A Socket.IO client reduced to what a listening dashboard does on the wire:
 * open the websocket transport, send CONNECT with `{ token }` as auth, answer
 * pings, and take EVENT packets. Events are not JSON-parsed: the bench only needs
 * the sequence number, read from the bytes. To the server it is indistinguishable
 * from socket.io-client with `transports: ['websocket']`. A handshake refused with
 * `RATE_LIMITED` (admission control) is tried again after `retryAfterMs` with the
 * SDK's jitter, within `timeoutMs`; any other refusal rejects at once.
 */
export const connectEioLite: ConnectClient = (baseUrl, token, handlers, timeoutMs, localAddress) => {
  const deadline = Date.now() + timeoutMs;
  const attempt = (): Promise<BenchClient> =>
    connectOnce(baseUrl, token, handlers, deadline - Date.now(), localAddress).catch((err: unknown) => {
      const retryAfterMs = err instanceof Refused ? err.retryAfterMs : undefined;
      if (retryAfterMs === undefined) throw err;
      const wait = comeBackAfter(retryAfterMs);
      if (Date.now() + wait >= deadline) throw new Error('handshake timeout (told to come back too late)');
      return new Promise((resolve) => setTimeout(resolve, wait)).then(attempt);
    });
  return attempt();
};

/** A CONNECT_ERROR: the server's message, and `retryAfterMs` when it said RATE_LIMITED. */
class Refused extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

const connectOnce: ConnectClient = (baseUrl, token, handlers, timeoutMs, localAddress) =>
  new Promise((resolve, reject) => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, localAddress });
    let connected = false;
    const client: BenchClient = { close: () => ws.close() };
    const fail = (why: string | Error) => {
      if (connected) return;
      clearTimeout(timer);
      ws.terminate();
      reject(typeof why === 'string' ? new Error(why) : why);
    };
    const timer = setTimeout(() => fail('handshake timeout'), timeoutMs);

    ws.on('message', (data: Buffer) => {
      const type = data[0];
      if (type === EIO_MESSAGE) {
        const sub = data[1];
        if (sub === SIO_EVENT) {
          const seq = readSeq(data);
          if (seq >= 0) handlers.onSeq(seq);
        } else if (sub === SIO_CONNECT && !connected) {
          connected = true;
          clearTimeout(timer);
          resolve(client);
        } else if (sub === SIO_CONNECT_ERROR) {
          fail(refusal(data));
        }
      } else if (type === EIO_PING) {
        ws.send('3');
      } else if (type === EIO_OPEN) {
        ws.send(`40${JSON.stringify({ token })}`);
      } else if (type === EIO_CLOSE) {
        ws.close();
      }
    });
    ws.on('error', (err) => fail(err.message));
    ws.on('close', (code) => {
      if (connected) handlers.onDrop();
      else fail(`closed (${code}) before CONNECT`);
    });
  });

function refusal(data: Buffer): Refused {
  try {
    const body = JSON.parse(data.subarray(2).toString('utf8')) as { message?: string; data?: { code?: string; retryAfterMs?: unknown } };
    const after = body.data?.retryAfterMs;
    const retryAfterMs = body.data?.code === 'RATE_LIMITED' && typeof after === 'number' ? after : undefined;
    return new Refused(body.message ?? 'connect_error', retryAfterMs);
  } catch {
    return new Refused('connect_error', undefined);
  }
}
