import type { Dialect, Role } from '@switchboard/protocol';
import type { Namespace, Server, Socket } from 'socket.io';

/** What Switchboard keeps on each socket (userId, accountId, email, role, authenticated). */
export interface SocketData {
  authenticated: boolean;
  userId: string;
  accountId: string;
  email: string | null;
  name: string | null;
  role: Role;
  teamIds: string[];
  /** Token expiry, seconds since the epoch. */
  exp: number;
  dialect: Dialect;
  /** Set for the widget's sockets: the one conversation this socket is bound to. */
  boundConversationId?: string;
  /** Conversations this socket joined, to re-check and clean up. */
  conversations: string[];
}

// Socket.IO's generics are kept loose at this layer: the catalogue types every payload at the edge.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvents = Record<string, (...args: any[]) => void>;
export type AppSocket = Socket<AnyEvents, AnyEvents, AnyEvents, SocketData>;
export type AppNamespace = Namespace<AnyEvents, AnyEvents, AnyEvents, SocketData>;
export type AppIo = Server<AnyEvents, AnyEvents, AnyEvents, SocketData>;
