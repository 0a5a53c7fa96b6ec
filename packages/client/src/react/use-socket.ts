import type { Socket } from 'socket.io-client';

import type { ConnectionStatus, SwitchboardClient } from '../switchboard-client';
import { useSwitchboardClient } from './switchboard-context';
import { useConnectionStatus } from './use-connection-status';

export interface SocketView {
  client: SwitchboardClient | null;
  /** The raw Socket.IO socket, for what the client does not wrap; prefer `client.on` and `client.request`. */
  socket: Socket | null;
  connected: boolean;
  status: ConnectionStatus;
}

/** `useSocket`: the socket and whether it is connected, re-rendering when that changes. */
export function useSocket(): SocketView {
  const client = useSwitchboardClient();
  const { status } = useConnectionStatus();
  return { client, socket: client?.socket ?? null, connected: status === 'connected', status };
}
