import type { AckDataOf, ClientToServerDefault, defaultClient, ServerToClientDefault } from '@switchboard/protocol';

import type { SwitchboardError } from './api-error';
import type { DefaultIn } from './protocol-constants';

export type InEvents = ServerToClientDefault;
export type OutEvents = ClientToServerDefault;
export type InEventName = keyof InEvents & string;
export type OutEventName = keyof OutEvents & string;
export type InPayload<E extends InEventName> = Parameters<InEvents[E]>[0];
export type OutPayload<E extends OutEventName> = Parameters<OutEvents[E]>[0];
export type OutAck<E extends OutEventName> = AckDataOf<(typeof defaultClient)[E]>;
/** What `authenticated` says about this connection: who we are, and the log head when we connected. */
export type Session = InPayload<typeof DefaultIn.authenticated>;

/** `connecting` only before the first success; after a loss it is `reconnecting` until connected again. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Why the connection was lost or refused, while it is. */
  error: SwitchboardError | null;
  /** Attempts scheduled since the last success: past the first, one has failed. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while one is scheduled. */
  nextRetryAt: number | null;
  /** True while events come from `GET /api/updates` because the socket cannot connect. */
  polling: boolean;
  /**
   * While polling: whether the last `GET /api/updates` answered (null before the first answer).
   * The HTTP API usually lives on the same server as the socket, so when the server is down
   * polling fails too, and a view should not promise "updates by polling" then.
   */
  pollingOk: boolean | null;
  session: Session | null;
}

export interface SwitchboardClientOptions {
  /** The server's origin; defaults to the page's. */
  url?: string;
  token: string;
  /**
   * Gives a fresh token: on `token:refresh`, on AUTH_TOKEN_EXPIRED at a handshake
   * or from the API. Without it an expired session ends as `disconnected`.
   */
  refreshToken?: () => Promise<string>;
  /** Vocabulary on `/`: `portal` for the portal's words. Ignored when `conversation` binds the socket. */
  dialect?: 'default' | 'portal';
  /** Binds the socket to one conversation, in the widget vocabulary. */
  conversation?: { tenantId: string; conversationId: string };
  /** Known position in the event log, to resume from (e.g. kept across a page reload). */
  lastSeq?: number;
  reconnectDelaysMs?: readonly number[];
  /** Extra random wait, as a fraction of each reconnect delay. */
  jitter?: number;
  sendRetryDelaysMs?: readonly number[];
  ackTimeoutMs?: number;
  /** The polling fallback; `false` turns it off. */
  polling?: false | { intervalMs?: number };
  /** Send over HTTP while the socket is down (same idempotent path on the server). */
  httpSendFallback?: boolean;
  dedupCapacity?: number;
  socketPath?: string;
  transports?: Array<'websocket' | 'polling' | 'webtransport'>;
  fetch?: typeof fetch;
  /** Connect in the constructor (default true). */
  autoConnect?: boolean;
}
