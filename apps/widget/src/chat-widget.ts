import {
  ConversationFeed,
  HttpApi,
  ReceiptSender,
  SwitchboardClient,
  SwitchboardError,
  TypingTracker,
  fromMessage,
  readTokenClaims,
  streamAssistantReplies,
  type Conversation,
  type EventStreamHandle,
  type FeedMessage,
  type TokenClaims,
} from '@switchboard/client';
import { findOpenConversation, openConversation, remember } from './conversation-resolver';
import type { WidgetOptions } from './options';
import { WidgetView, type StreamingReply } from './view';

/**
 * The customer's chat: resumes or opens their conversation over HTTP, then a
 * socket bound to it in 003's widget vocabulary (handshake query
 * `{ tenantId, conversationId }`). Agent replies appear live, assistant
 * replies stream in over SSE while they are written, an offline banner shows
 * while the socket is down (003), and sends go through the SDK's outbox
 * (retries at 100, 200, 400 ms, then on reconnect; HTTP while the socket is down).
 */
export class ChatWidget {
  private readonly view: WidgetView;
  private readonly claims: TokenClaims;
  private readonly server: string;
  private readonly api: HttpApi;
  private token: string;
  private client: SwitchboardClient | null = null;
  private feed: ConversationFeed | null = null;
  private typing: TypingTracker | null = null;
  private receipts: ReceiptSender | null = null;
  private conversation: Conversation | null = null;
  private opening: Promise<Conversation> | null = null;
  private stream: EventStreamHandle | null = null;
  /** Settles once the current stream is open (or could not be). */
  private streamReady: Promise<void> = Promise.resolve();
  private streamSupported = true;
  private readonly streaming = new Map<string, string>();
  private open = false;
  private unread = 0;
  private seenIds = new Set<string>();
  private destroyed = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(private readonly opts: WidgetOptions) {
    const claims = opts.token ? readTokenClaims(opts.token) : null;
    if (!claims) throw new Error('Switchboard widget: the token is not a Switchboard JWT');
    this.claims = claims;
    this.token = opts.token as string;
    this.server = opts.server ?? location.origin;
    this.api = new HttpApi({ baseUrl: this.server, getToken: () => this.token, refreshToken: opts.refreshToken ? () => this.refresh() : undefined });
    this.view = new WidgetView(
      opts.container ?? document.body,
      { title: opts.title ?? 'Chat with us', greeting: opts.greeting ?? 'Hi! Ask us anything, we are here to help.' },
      {
        onToggle: (open) => this.setOpen(open),
        onSend: (text) => void this.send(text),
        // Emptying the box is not typing; it ends it.
        onInput: (text) => (text.trim() ? this.typing?.keystroke() : this.typing?.stopTyping()),
        onRetry: (id) => this.client?.outbox.retry(id),
      },
    );
    const onVisibility = () => this.sendReceipts();
    document.addEventListener('visibilitychange', onVisibility);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisibility));
    this.setOpen(opts.open === true);
  }

  /** Finds the visitor's open conversation and goes live on it, if there is one. */
  async start(): Promise<void> {
    if (this.opts.newConversation) return;
    try {
      const conversation = await findOpenConversation(this.api, this.claims);
      if (conversation) this.connect(conversation);
    } catch (err) {
      this.view.setError(`Chat is unavailable: ${(err as Error).message}`);
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.stream?.close();
    this.typing?.stop();
    this.feed?.stop();
    this.client?.destroy();
    for (const c of this.cleanups.splice(0)) c();
    this.view.host.remove();
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.view.setOpen(open);
    if (open) {
      this.unread = 0;
      this.view.setUnread(0);
    }
    this.sendReceipts();
  }

  private async send(text: string): Promise<void> {
    this.view.setError(null);
    try {
      const conversation = this.conversation ?? (await (this.opening ??= this.openNew()));
      this.typing?.stopTyping();
      const client = this.client;
      if (!client) return;
      await client.send({ conversationId: conversation.id, content: text }).done.catch((err: SwitchboardError) => {
        if (!err.retryable) this.view.setError(`Not sent: ${err.message}`);
      });
    } catch (err) {
      this.view.setError(`Could not start the chat: ${(err as Error).message}`);
    }
  }

  private async openNew(): Promise<Conversation> {
    try {
      const conversation = await openConversation(this.api, this.claims, this.opts.subject ?? 'Website chat');
      this.connect(conversation);
      // The assistant may answer the first message within milliseconds: be listening before it is sent.
      await Promise.race([this.streamReady, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      return conversation;
    } finally {
      this.opening = null;
    }
  }

  private connect(conversation: Conversation): void {
    if (this.destroyed) return;
    this.conversation = conversation;
    remember(this.claims, conversation.id);
    const client = new SwitchboardClient({
      url: this.server,
      token: this.token,
      conversation: { tenantId: conversation.accountId, conversationId: conversation.id },
      refreshToken: this.opts.refreshToken ? () => this.refresh() : undefined,
    });
    this.client = client;
    // The socket is bound to its conversation at the handshake; there is no room to join or leave.
    this.feed = new ConversationFeed(client, conversation.id, { join: false });
    this.typing = new TypingTracker(client, conversation.id);
    this.receipts = new ReceiptSender(client);
    this.feed.subscribe(() => this.onFeed());
    this.typing.subscribe(() => this.renderTyping());
    this.feed.start();
    this.typing.start();
    this.openStream();
    let wasConnected = false;
    client.onState((s) => {
      // 003: the banner shows once a connection is lost or refused, and hides when it is back.
      this.view.setOffline(s.status === 'reconnecting' || s.status === 'disconnected' || (s.status === 'connecting' && s.attempt > 0));
      if (s.status === 'connected' && !wasConnected) {
        this.openStream();
        void this.feed?.reload();
      }
      wasConnected = s.status === 'connected';
      this.sendReceipts();
    });
  }

  private onFeed(): void {
    const messages = this.feed?.getSnapshot().messages ?? [];
    for (const m of messages) {
      if (this.seenIds.has(m.id)) continue;
      this.seenIds.add(m.id);
      // A stored assistant message replaces the streamed one.
      if (m.role === 'ASSISTANT') this.streaming.clear();
      if (!this.open && m.role !== 'USER' && this.seenIds.size > 1) this.unread++;
    }
    this.view.setUnread(this.open ? 0 : this.unread);
    this.render();
    this.sendReceipts();
  }

  private render(): void {
    const messages = this.feed?.getSnapshot().messages ?? [];
    const streaming: StreamingReply[] = [...this.streaming].map(([replyId, text]) => ({ replyId, text }));
    this.view.render(messages, streaming, (m: FeedMessage) => (m.role === 'ASSISTANT' ? 'Assistant' : m.role === 'HUMAN_AGENT' ? 'Support' : null));
  }

  private renderTyping(): void {
    const typists = this.typing?.getSnapshot() ?? [];
    const staff = typists.filter((t) => t.role !== 'customer');
    this.view.setTyping(staff.length ? `${staff[0]?.name ?? 'An agent'} is typing…` : '');
  }

  private sendReceipts(): void {
    const messages = this.feed?.getSnapshot().messages;
    if (messages) this.receipts?.update(messages, this.open && document.visibilityState === 'visible');
  }

  /** 000's streamed assistant replies; quietly off when the server has no stream route. */
  private openStream(): void {
    const conversation = this.conversation;
    if (!conversation || !this.streamSupported || this.stream || this.destroyed) return;
    let ready: () => void = () => undefined;
    this.streamReady = new Promise<void>((resolve) => (ready = resolve));
    const handle = streamAssistantReplies(this.api, conversation.id, {
      onReady: () => ready(),
      onText: (replyId, text) => {
        this.streaming.set(replyId, text);
        this.render();
      },
      onDone: (replyId, message) => {
        this.streaming.delete(replyId);
        this.feed?.add(fromMessage(message));
      },
      onDrop: (replyId) => {
        if (replyId) this.streaming.delete(replyId);
        else this.streaming.clear();
        this.render();
      },
    });
    this.stream = handle;
    handle.done
      .catch((err: unknown) => {
        if (err instanceof SwitchboardError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) this.streamSupported = false;
      })
      .finally(() => {
        ready();
        if (this.stream === handle) this.stream = null;
        // A stream that ended with the connection is reopened when the socket is back.
        if (this.streamSupported && !this.destroyed) setTimeout(() => this.client?.connected && this.openStream(), 3_000);
      });
  }

  private async refresh(): Promise<string> {
    if (!this.opts.refreshToken) throw new SwitchboardError('AUTH_TOKEN_EXPIRED', 'No way to renew the token', 401);
    this.token = await this.opts.refreshToken();
    this.client?.setToken(this.token);
    return this.token;
  }
}
