import type { ContentType, Message, Role } from '@switchboard/protocol';
import { Manager, type Socket } from 'socket.io-client';

import { SwitchboardError } from './api-error';
import { SEND_RETRY_DELAYS_MS } from './backoff';
import { onBrowserOnline, pageOrigin } from './browser-globals';
import type {
  ConnectionState,
  ConnectionStatus,
  InEventName,
  InEvents,
  InPayload,
  OutAck,
  OutEventName,
  OutEvents,
  OutPayload,
  Session,
  SwitchboardClientOptions,
} from './client-types';
import { ConversationRooms } from './conversation-rooms';
import { EventDispatcher } from './event-dispatcher';
import type { Fact } from './facts';
import { HttpApi } from './http-api';
import { NamespaceConnection, type NamespacePath } from './namespace-connection';
import { Outbox, type SendInput } from './outbox';
import { DefaultIn, DefaultOut } from './protocol-constants';
import { ReconnectSchedule } from './reconnect-schedule';
import { requestWithAck } from './request-with-ack';
import { readTokenClaims } from './token-claims';
import { TokenKeeper } from './token-keeper';
import { findLogHead, UpdatesPoller } from './updates-poller';

export type * from './client-types';

const AUTH_CODES = new Set(['AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_INVALID', 'MISSING_TOKEN']);
type ConnectError = Error & { data?: { code?: string; message?: string; retryAfterMs?: unknown; details?: { retryAfterMs?: unknown } } };

/**
 * The connection manager: one authenticated Socket.IO connection with the
 * reconnect, resume and retry rules below, and the HTTP API beside it.
 *
 * - reconnects after 1 s, 2 s, then every 5 s, plus jitter, until {@link disconnect};
 * - renews the token on `token:refresh` and on AUTH_TOKEN_EXPIRED (or a live AUTH_TOKEN_INVALID) through `refreshToken`;
 * - re-joins its conversations after a reconnect and resumes from `lastSeq`
 *   (`auth.lastSeq`, then `sync` once the rooms are back), dropping events seen already;
 * - polls `GET /api/updates` while the socket cannot connect;
 * - sends through an {@link Outbox}: retries after 100, 200, 400 ms with one clientMessageId.
 *
 * @example
 * const client = new SwitchboardClient({ token, dialect: 'portal', refreshToken: fetchNewToken });
 * const off = client.on(PortalIn['message:new'], (m) => console.log(m.content));
 * await client.joinConversation(conversationId);
 * await client.send({ conversationId, content: 'Hello' }).done;
 */
export class SwitchboardClient {
  readonly api: HttpApi;
  readonly outbox: Outbox;
  readonly socket: Socket<InEvents, OutEvents>;
  private readonly manager: Manager;
  private readonly tokens: TokenKeeper;
  private readonly dispatcher: EventDispatcher;
  private readonly rooms = new ConversationRooms();
  private readonly retry: ReconnectSchedule;
  private readonly poller: UpdatesPoller | null;
  private readonly namespaces = new Map<NamespacePath, NamespaceConnection>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private stateValue: ConnectionState = {
    status: 'connecting',
    error: null,
    attempt: 0,
    nextRetryAt: null,
    polling: false,
    pollingOk: null,
    session: null,
  };
  /** The lastSeq sent with the current handshake: where a resume after reconnecting starts. */
  private handshakeSeq: number | null = null;
  private lastSession: Session | null = null;
  private wantConnected = false;
  private authRetried = false;
  /** A CONNECT for `/` is on its way: a second one would make the server close the connection. */
  private connectPending = false;
  private readonly stopWatchingOnline: () => void;

  constructor(private readonly opts: SwitchboardClientOptions) {
    const url = opts.url ?? pageOrigin();
    if (!url) throw new Error('SwitchboardClient: pass `url` outside a browser');
    this.tokens = new TokenKeeper(opts.token, opts.refreshToken);
    this.dispatcher = new EventDispatcher(opts.dedupCapacity ?? 2_000, opts.lastSeq ?? null);
    this.retry = new ReconnectSchedule(opts.reconnectDelaysMs, opts.jitter);
    this.api = new HttpApi({
      baseUrl: url,
      getToken: () => this.tokens.current,
      refreshToken: opts.refreshToken ? () => this.tokens.refresh() : undefined,
      fetch: opts.fetch,
    });
    this.outbox = new Outbox((payload) => this.transportSend(payload), opts.sendRetryDelaysMs ?? SEND_RETRY_DELAYS_MS);
    this.manager = new Manager(url, {
      path: opts.socketPath ?? '/socket.io',
      transports: opts.transports ?? ['websocket', 'polling'],
      // Reconnection is ours (1 s, 2 s, 5 s); Socket.IO's own backoff cannot follow a fixed schedule.
      reconnection: false,
      autoConnect: false,
      query: opts.conversation ? { tenantId: opts.conversation.tenantId, conversationId: opts.conversation.conversationId } : {},
    });
    this.socket = this.manager.socket('/', {
      auth: (cb) => {
        this.handshakeSeq = this.dispatcher.lastSeq;
        cb({
          token: this.tokens.current,
          ...(this.handshakeSeq !== null ? { lastSeq: this.handshakeSeq } : {}),
          ...(opts.dialect && !opts.conversation ? { dialect: opts.dialect } : {}),
        });
      },
    });
    this.poller =
      opts.polling === false
        ? null
        : new UpdatesPoller({
            api: this.api,
            since: () => this.dispatcher.lastSeq,
            resolveStart: async () => {
              this.dispatcher.lastSeq ??= await findLogHead(this.api);
            },
            onEvent: (e) => this.dispatcher.dispatchPolled(e),
            onResult: (ok) => {
              if (this.stateValue.polling && this.stateValue.pollingOk !== ok) this.setState({ pollingOk: ok });
            },
            intervalMs: opts.polling?.intervalMs ?? 5_000,
          });
    this.wire();
    this.stopWatchingOnline = onBrowserOnline(() => {
      if (this.wantConnected && !this.socket.connected) this.reconnect();
    });
    if (opts.autoConnect !== false) this.connect();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get status(): ConnectionStatus {
    return this.stateValue.status;
  }

  get connected(): boolean {
    return this.stateValue.status === 'connected';
  }

  /** The highest event-log position seen so far; null before the first connection. */
  get lastSeq(): number | null {
    return this.dispatcher.lastSeq;
  }

  get session(): Session | null {
    return this.stateValue.session;
  }

  /**
   * Who this client speaks for, also while disconnected: the last session's
   * user, or the token's claims before the first one. For labelling one's own
   * messages; the server decides access.
   */
  get identity(): { userId: string; role: Role; name: string | null } | null {
    const s = this.lastSession;
    if (s) return { userId: s.userId, role: s.role, name: s.name };
    const claims = readTokenClaims(this.tokens.current);
    return claims ? { userId: claims.sub, role: claims.role, name: claims.name ?? null } : null;
  }

  get currentToken(): string {
    return this.tokens.current;
  }

  /** Conversations this client has joined, re-joined after every reconnect. */
  get joinedConversations(): string[] {
    return this.rooms.list();
  }

  connect(): void {
    this.wantConnected = true;
    if (this.socket.connected || this.retry.pending) return;
    this.setState({ status: this.lastSession ? 'reconnecting' : 'connecting', nextRetryAt: null });
    void this.openSocket();
  }

  /** Tries now, forgetting the backoff (RT-10's Reconnect button, the browser coming back online). */
  reconnect(): void {
    this.retry.reset();
    this.authRetried = false;
    if (this.socket.connected) return;
    this.wantConnected = true;
    this.setState({ status: this.lastSession ? 'reconnecting' : 'connecting', attempt: 0, nextRetryAt: null, error: null });
    void this.openSocket();
  }

  /** Closes the connection and stops reconnecting and polling (RT-03's logout). */
  disconnect(): void {
    this.wantConnected = false;
    this.retry.cancel();
    this.poller?.stop();
    for (const ns of this.namespaces.values()) ns.socket.disconnect();
    this.socket.disconnect();
    this.connectPending = false;
    this.setState({ status: 'disconnected', nextRetryAt: null, polling: false, pollingOk: null, error: null });
  }

  /** Disconnects and drops every listener; the client cannot be used again. */
  destroy(): void {
    this.disconnect();
    for (const ns of this.namespaces.values()) ns.close();
    this.namespaces.clear();
    this.dispatcher.clear();
    this.stateListeners.clear();
    this.stopWatchingOnline();
  }

  /** Listens to one server event (any vocabulary on `/`), deduplicated; returns the unsubscribe. */
  on<E extends InEventName>(event: E, handler: (payload: InPayload<E>) => void): () => void {
    return this.dispatcher.on(event, handler as (payload: unknown) => void);
  }

  /** Every event reduced to {@link Fact}s, from the socket, its namespaces and the polling fallback. */
  onFact(listener: (fact: Fact) => void): () => void {
    return this.dispatcher.onFact(listener);
  }

  /** Listeners of `event`, or of facts when no event is named: for tests and leak hunting. */
  listenerCount(event?: InEventName): number {
    return this.dispatcher.count(event);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Emits a client event with an ack; resolves with the ack's data, rejects with a {@link SwitchboardError}. */
  request<E extends OutEventName>(event: E, payload: OutPayload<E>, timeoutMs = this.opts.ackTimeoutMs ?? 5_000): Promise<OutAck<E>> {
    return requestWithAck<OutAck<E>>(this.socket, event, payload, timeoutMs);
  }

  /** Emits without waiting (typing); dropped while disconnected, as volatile events should be. */
  signal<E extends OutEventName>(event: E, payload: OutPayload<E>): void {
    if (this.socket.connected) (this.socket as Socket).emit(event, payload);
  }

  /** Joins a conversation's room now and after every reconnect. */
  async joinConversation(conversationId: string): Promise<void> {
    this.rooms.add(conversationId);
    if (this.socket.connected) await this.request(DefaultOut.join_conversation, { conversationId });
  }

  async leaveConversation(conversationId: string): Promise<void> {
    this.rooms.remove(conversationId);
    if (this.socket.connected) await this.request(DefaultOut.leave_conversation, { conversationId }).catch(() => undefined);
  }

  /** Sends a message through the outbox. */
  send(input: SendInput & { contentType?: ContentType }): ReturnType<Outbox['send']> {
    return this.outbox.send(input);
  }

  /** One of the named namespaces on this connection; created on first use. */
  namespace<P extends NamespacePath>(path: P): NamespaceConnection<P> {
    let ns = this.namespaces.get(path) as NamespaceConnection<P> | undefined;
    if (!ns) {
      ns = new NamespaceConnection(
        path,
        this.manager,
        () => this.tokens.current,
        (event, payload) => this.dispatcher.emitFacts(event, payload),
        this.opts.dedupCapacity ?? 2_000,
      );
      this.namespaces.set(path, ns);
      if (this.wantConnected) ns.resume();
    }
    return ns;
  }

  /** Replaces the token for the next handshake and HTTP call (after a login refresh done elsewhere). */
  setToken(token: string): void {
    this.tokens.set(token);
  }

  private wire(): void {
    const socket = this.socket as Socket;
    socket.onAny((event: string, payload: unknown) => this.dispatcher.dispatch(event, payload));
    socket.on('connect', () => {
      this.connectPending = false;
    });
    socket.on(DefaultIn.authenticated, (session: Session) => void this.onSession(session));
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason));
    socket.on('connect_error', (err: ConnectError) => void this.onConnectError(err));
    socket.on(DefaultIn['token:refresh'], () => void this.renewInPlace());
    socket.on(DefaultIn.error, (err: { code?: string }) => {
      // The server disconnects right after; the next handshake must carry a new token. AUTH_TOKEN_INVALID
      // here means the token's identity was retired while connected (a widget visitor merged into a known
      // customer, details.reason VISITOR_MERGED): reconnecting with the same token would reach nothing.
      if (AUTH_CODES.has(err?.code as string)) this.tokens.expired = true;
    });
  }

  private async onSession(session: Session): Promise<void> {
    const resume = { from: this.handshakeSeq, recovered: this.socket.recovered };
    this.lastSession = session;
    this.authRetried = false;
    this.retry.reset();
    this.poller?.stop();
    // A first connection starts at the log's head: history comes from the API, not from a replay.
    this.dispatcher.lastSeq ??= session.lastSeq;
    this.setState({ status: 'connected', error: null, attempt: 0, nextRetryAt: null, polling: false, pollingOk: null, session });
    await this.rooms.restore((event, payload, timeoutMs) => this.request(event, payload, timeoutMs), resume);
    for (const ns of this.namespaces.values()) ns.resume();
    this.outbox.flush();
  }

  private onDisconnect(reason: string): void {
    this.connectPending = false;
    if (reason === 'io client disconnect' || !this.wantConnected) {
      this.setState({ status: 'disconnected', session: null });
      return;
    }
    this.setState({ status: 'reconnecting', session: null, error: new SwitchboardError('NETWORK', `Disconnected: ${reason}`) });
    this.scheduleReconnect();
  }

  private async onConnectError(err: ConnectError): Promise<void> {
    this.connectPending = false;
    const code = err.data?.code ?? err.message;
    if (AUTH_CODES.has(code)) {
      if (this.tokens.canRefresh && !this.authRetried) {
        this.authRetried = true;
        // One refresh per refusal: a callback that keeps giving bad tokens must not loop.
        const renewed = await this.tokens.refresh().then(
          () => true,
          () => false,
        );
        if (renewed) {
          if (this.wantConnected) this.connectSocket();
          return;
        }
      }
      return this.fail(new SwitchboardError(code as SwitchboardError['code'], err.data?.message ?? err.message, 401));
    }
    if (code === 'FORBIDDEN') return this.fail(new SwitchboardError('FORBIDDEN', err.data?.message ?? err.message, 403));
    if (code === 'RATE_LIMITED') {
      // The server is taking connections at the rate it can serve them: come back when it says, with
      // jitter so a storm of clients does not return on one tick. Polling would only add to its load.
      const retryAfterMs = retryAfterOf(err.data);
      this.setState({ error: new SwitchboardError('RATE_LIMITED', err.data?.message ?? err.message, 429, { retryAfterMs }) });
      return this.scheduleReconnect(retryAfterMs);
    }
    this.setState({ error: new SwitchboardError('NETWORK', err.message) });
    if (this.poller && !this.poller.active && this.wantConnected) {
      this.setState({ polling: true, pollingOk: null });
      this.poller.start();
    }
    this.scheduleReconnect();
  }

  /** A refusal that retrying cannot fix: stop, and say why. */
  private fail(error: SwitchboardError): void {
    this.wantConnected = false;
    this.retry.cancel();
    this.poller?.stop();
    this.setState({ status: 'disconnected', error, polling: false, pollingOk: null, nextRetryAt: null });
  }

  private scheduleReconnect(atLeastMs?: number): void {
    if (!this.wantConnected) return;
    const at = this.retry.schedule(() => void this.openSocket(), atLeastMs);
    if (at === null) return;
    this.setState({ status: this.lastSession ? 'reconnecting' : 'connecting', attempt: this.retry.attempt, nextRetryAt: at });
  }

  private async openSocket(): Promise<void> {
    if (!this.wantConnected) return;
    if (this.tokens.expired && this.tokens.canRefresh) {
      try {
        await this.tokens.refresh();
      } catch (err) {
        return this.fail(
          err instanceof SwitchboardError ? err : new SwitchboardError('AUTH_TOKEN_EXPIRED', 'The token could not be refreshed', 401),
        );
      }
    }
    this.setState({ nextRetryAt: null });
    this.connectSocket();
  }

  private connectSocket(): void {
    if (this.socket.connected || this.connectPending) return;
    this.connectPending = true;
    this.socket.connect();
  }

  /** The token refresh during a connection: token:refresh → token:update → token:updated. */
  private async renewInPlace(): Promise<void> {
    if (!this.tokens.canRefresh) return;
    try {
      await this.request(DefaultOut['token:update'], { token: await this.tokens.refresh() });
    } catch (err) {
      this.setState({ error: err instanceof SwitchboardError ? err : new SwitchboardError('AUTH_TOKEN_EXPIRED', String(err), 401) });
    }
  }

  private async transportSend(payload: {
    conversationId: string;
    content: string;
    contentType: ContentType;
    clientMessageId: string;
    attachmentIds?: string[];
  }): Promise<Message> {
    if (this.socket.connected) return this.request(DefaultOut.send_message, payload);
    if (this.opts.httpSendFallback === false) throw new SwitchboardError('NETWORK', 'Not connected');
    const { conversationId, ...body } = payload;
    return this.api.postMessage(conversationId, body);
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.stateValue = { ...this.stateValue, ...patch };
    for (const l of [...this.stateListeners]) l(this.stateValue);
  }
}

/** The server's `retryAfterMs` on a RATE_LIMITED refusal (top level or in details); 1 s if it sent none. */
function retryAfterOf(data: ConnectError['data']): number {
  const v = data?.retryAfterMs ?? data?.details?.retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 1_000;
}
