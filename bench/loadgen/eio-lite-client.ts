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

/**
 * A Socket.IO client reduced to what a listening dashboard does on the wire:
 * open the websocket transport, send CONNECT with `{ token }` as auth, answer
 * pings, and take EVENT packets. Events are not JSON-parsed: the bench only needs
 * the sequence number, read from the bytes. To the server it is indistinguishable
 * from socket.io-client with `transports: ['websocket']`.
 */
export const connectEioLite: ConnectClient = (baseUrl, token, handlers, timeoutMs) =>
  new Promise((resolve, reject) => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    let connected = false;
    const client: BenchClient = { close: () => ws.close() };
    const fail = (why: string) => {
      if (connected) return;
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(why));
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
          fail(connectErrorMessage(data));
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

function connectErrorMessage(data: Buffer): string {
  try {
    const body = JSON.parse(data.subarray(2).toString('utf8')) as { message?: string };
    return body.message ?? 'connect_error';
  } catch {
    return 'connect_error';
  }
}
