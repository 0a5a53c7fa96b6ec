import type { Ack } from '@switchboard/protocol';
import type { Socket } from 'socket.io-client';

import { SwitchboardError } from './api-error';

/**
 * Emits with an ack and turns the protocol's answer into a value or a
 * {@link SwitchboardError}. Nothing is sent while disconnected: Socket.IO would
 * buffer it and send it on reconnect, after the caller gave up on it.
 */
export async function requestWithAck<T>(socket: Socket, event: string, payload: unknown, timeoutMs: number): Promise<T> {
  if (!socket.connected) throw new SwitchboardError('NETWORK', 'Not connected');
  let res: Ack<T>;
  try {
    res = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
  } catch {
    throw new SwitchboardError('TIMEOUT', `No answer to ${event} within ${timeoutMs} ms`);
  }
  if (!res.ok) throw SwitchboardError.from(res.error);
  return res.data as T;
}
