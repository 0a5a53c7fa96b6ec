import { io } from 'socket.io-client';

import type { ConnectClient } from './bench-client';
import { findSeq } from './bench-payload';

/** The real socket.io-client, websocket transport only (ws with bufferutil underneath), one Manager per client. */
export const connectSocketIoClient: ConnectClient = (baseUrl, token, handlers, timeoutMs) =>
  new Promise((resolve, reject) => {
    const socket = io(baseUrl, {
      transports: ['websocket'],
      auth: { token },
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
    });
    let connected = false;
    socket.onAny((_event: string, ...args: unknown[]) => {
      const seq = findSeq(args);
      if (seq >= 0) handlers.onSeq(seq);
    });
    socket.once('connect', () => {
      connected = true;
      resolve({ close: () => socket.disconnect() });
    });
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
    socket.on('disconnect', () => {
      if (connected) handlers.onDrop();
    });
  });
