import WebSocket from 'ws';

import type { ConnectClient } from './bench-client';
import { readSeq } from './bench-payload';

/** A bare WebSocket client for the raw-ws baseline: token in the query, every text frame a broadcast. */
export const connectRawWs: ConnectClient = (baseUrl, token, handlers, timeoutMs, localAddress) =>
  new Promise((resolve, reject) => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: timeoutMs, localAddress });
    let connected = false;
    ws.on('open', () => {
      connected = true;
      resolve({ close: () => ws.close() });
    });
    ws.on('message', (data: Buffer) => {
      const seq = readSeq(data);
      if (seq >= 0) handlers.onSeq(seq);
    });
    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!connected) reject(err);
    });
    ws.on('close', () => {
      if (connected) handlers.onDrop();
    });
  });
