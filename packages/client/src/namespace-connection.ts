import type { NamespaceEvents } from '@switchboard/protocol';
import type { Manager, Socket } from 'socket.io-client';

import { SwitchboardError } from './api-error';
import { BoundedSet } from './bounded-set';
import { Listeners } from './listeners';
import { requestWithAck } from './request-with-ack';

export type NamespacePath = Exclude<keyof NamespaceEvents, '/'>;
type ServerMap<P extends NamespacePath> = NamespaceEvents[P]['server'];
type ClientMap<P extends NamespacePath> = NamespaceEvents[P]['client'];

/** `unavailable`: this server has no such namespace, or it is not open to this role (`/dashboard` for agents). */
export type NamespaceStatus = 'connecting' | 'connected' | 'disconnected' | 'unavailable';

export interface NamespaceState {
  status: NamespaceStatus;
  error: SwitchboardError | null;
}

/**
 * One of the named namespaces (`/presence`, `/notifications`, `/dashboard`,
 * `/tickets`, `/chat`), multiplexed on the client's connection and
 * authenticated with the same token. Owned by {@link SwitchboardClient}, which
 * reconnects it whenever the main socket comes back.
 */
export class NamespaceConnection<P extends NamespacePath = NamespacePath> {
  readonly socket: Socket;
  private stateValue: NamespaceState = { status: 'connecting', error: null };
  private readonly events = new Listeners<string, (payload: unknown) => void>();
  private readonly stateListeners = new Set<(s: NamespaceState) => void>();
  private readonly seen: BoundedSet<string>;

  constructor(
    readonly path: P,
    manager: Manager,
    getToken: () => string,
    private readonly onIncoming: (event: string, payload: unknown) => void,
    dedupCapacity: number,
  ) {
    this.seen = new BoundedSet(dedupCapacity);
    this.socket = manager.socket(path, { auth: (cb) => cb({ token: getToken() }) });
    this.socket.on('connect', () => this.setState({ status: 'connected', error: null }));
    this.socket.on('disconnect', () => {
      if (this.stateValue.status !== 'unavailable') this.setState({ status: 'disconnected', error: null });
    });
    this.socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      const code = err.data?.code ?? err.message;
      // Socket.IO's own refusal of an unknown namespace, or our FORBIDDEN for a role: retrying will not help.
      if (err.message === 'Invalid namespace' || code === 'FORBIDDEN') {
        this.setState({
          status: 'unavailable',
          error: new SwitchboardError(code === 'FORBIDDEN' ? 'FORBIDDEN' : 'NOT_FOUND', err.message),
        });
      } else {
        this.setState({ status: 'disconnected', error: new SwitchboardError('NETWORK', err.message) });
      }
    });
    this.socket.onAny((event: string, payload: unknown) => this.dispatch(event, payload));
  }

  get state(): NamespaceState {
    return this.stateValue;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  on<E extends keyof ServerMap<P> & string>(
    event: E,
    handler: (payload: ServerMap<P>[E] extends (payload: infer A) => void ? A : never) => void,
  ): () => void {
    return this.events.on(event, handler as (payload: unknown) => void);
  }

  onState(listener: (s: NamespaceState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Emits with an ack; resolves with the ack's data or rejects with its error. */
  request<E extends keyof ClientMap<P> & string>(
    event: E,
    payload: ClientMap<P>[E] extends (p: infer A, ...rest: never[]) => void ? A : never,
    timeoutMs = 5_000,
  ): Promise<unknown> {
    return requestWithAck(this.socket, event, payload, timeoutMs);
  }

  /** Reconnects unless the server said this namespace is not for us. */
  resume(): void {
    if (this.stateValue.status === 'unavailable' || this.socket.connected) return;
    // An active socket sends its CONNECT by itself when the connection (re)opens; a second one for the
    // same namespace makes the server close the whole connection ("invalid state").
    if (this.socket.active) return;
    this.setState({ status: 'connecting', error: null });
    this.socket.connect();
  }

  close(): void {
    this.socket.disconnect();
    this.events.clear();
    this.stateListeners.clear();
  }

  private dispatch(event: string, payload: unknown): void {
    const eventId = (payload as { eventId?: unknown } | null)?.eventId;
    if (typeof eventId === 'string' && !this.seen.add(`${eventId}|${event}`)) return;
    this.events.emit(event, [payload]);
    this.onIncoming(event, payload);
  }

  private setState(patch: Partial<NamespaceState>): void {
    this.stateValue = { ...this.stateValue, ...patch };
    for (const l of [...this.stateListeners]) l(this.stateValue);
  }
}
