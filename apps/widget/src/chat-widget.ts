import {
  type Conversation,
  ConversationFeed,
  DefaultIn,
  type EventStreamHandle,
  type FeedMessage,
  fromMessage,
  HttpApi,
  readTokenClaims,
  ReceiptSender,
  streamAssistantReplies,
  SwitchboardClient,
  SwitchboardError,
  type TokenClaims,
  TypingTracker,
} from '@switchboard/client';

import { findOpenConversation, openConversation, remember } from './conversation-resolver';
import { fill, type Messages, pickLanguage } from './messages';
import type { WidgetOptions } from './options';
import { type ConversationState, type StreamingReply, WidgetView } from './view';

/**
 * The customer's chat: resumes or opens their conversation over HTTP, then a
 * socket bound to it in the widget vocabulary (handshake query
 * `{ tenantId, conversationId }`). Agent replies appear live, assistant
 * replies stream in over SSE while they are written, an offline banner shows
 * while the socket is down, and sends go through the SDK's outbox
 * (retries at 100, 200, 400 ms, then on reconnect; HTTP while the socket is down).
 */
export class ChatWidget {
  private readonly view: WidgetView;
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
  private readonly t: Messages;
  /** Agents' names as the widget learns them (typing, the status route), for one consistent sender label. */
  private readonly names = new Map<string, string>();
  private online = true;
  private assignee: { id: string; name: string | null } | null = null;
  private contactName: string | null;

  constructor(private readonly opts: WidgetOptions) {
    const claims = opts.token ? readTokenClaims(opts.token) : null;
    if (!claims) throw new Error('Switchboard widget: the token is not a Switchboard JWT');
    this.token = opts.token as string;
    this.server = opts.server ?? location.origin;
    this.api = new HttpApi({
      baseUrl: this.server,
      getToken: () => this.token,
      refreshToken: opts.refreshToken ? () => this.refresh() : undefined,
    });
    const language = pickLanguage(opts.lang);
    this.t = language.t;
    this.contactName = opts.visitor?.contact.name ?? claims.name ?? null;
    this.view = new WidgetView(
      opts.container ?? document.body,
      { title: opts.title ?? opts.visitor?.displayName ?? undefined, greeting: opts.greeting, language },
      {
        onToggle: (open) => this.setOpen(open),
        onSend: (text) => void this.send(text),
        // Emptying the box is not typing; it ends it.
        onInput: (text) => (text.trim() ? this.typing?.keystroke() : this.typing?.stopTyping()),
        onRetry: (id) => this.client?.outbox.retry(id),
        onAttach: (file) => void this.send(file.name, file),
        onOpenAttachment: (id, name) =>
          void this.api.fetchAttachment(id).then(
            (blob) => {
              const a = document.createElement('a');
              a.href = URL.createObjectURL(blob);
              a.download = name;
              a.click();
            },
            (err: Error) => this.view.setError(err.message),
          ),
        onPrechat: (answers) => void this.answerPrechat(answers),
      },
    );
    this.view.setOnline(true);
    this.askPrechat();
    // Availability and the assigned agent come from the status route: now, every 20 s, and on conversation changes.
    const timer = setInterval(() => void this.refreshStatus(), opts.statusPollMs ?? 20_000);
    this.cleanups.push(() => clearInterval(timer));
    void this.refreshStatus();
    const onVisibility = () => this.sendReceipts();
    document.addEventListener('visibilitychange', onVisibility);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisibility));
    this.setOpen(opts.open === true);
  }

  /** Who the widget speaks for: the current token's claims (a merged visitor's new session changes them). */
  private get claims(): TokenClaims {
    return readTokenClaims(this.token) as TokenClaims;
  }

  /** The tenant's pre-chat fields this contact has not answered; when nobody is online, an email to reply to. */
  private askPrechat(): void {
    const v = this.opts.visitor;
    if (!v) return;
    const fields = { name: v.prechat.name && !v.contact.name, email: (v.prechat.email || !this.online) && !v.contact.email };
    this.view.setPrechat(fields.name || fields.email ? fields : null, !this.online);
  }

  private async answerPrechat(answers: { name?: string; email?: string }): Promise<void> {
    const v = this.opts.visitor;
    if (!v) return;
    try {
      this.token = await v.answer(answers);
      this.client?.setToken(this.token);
      v.contact = { name: answers.name ?? v.contact.name, email: answers.email ?? v.contact.email };
      this.contactName = v.contact.name;
      this.view.setPrechat(null);
    } catch (err) {
      this.view.setError((err as Error).message);
    }
  }

  private async refreshStatus(): Promise<void> {
    const id = this.conversation?.id;
    try {
      const s = await this.api.request<{ online: boolean; assignee: { id: string; name: string | null } | null }>(
        'GET',
        `/api/widget/status${id ? `?conversationId=${encodeURIComponent(id)}` : ''}`,
      );
      const wentOffline = this.online && !s.online;
      this.online = s.online;
      this.assignee = s.assignee;
      if (s.assignee?.name) this.names.set(s.assignee.id, s.assignee.name);
      this.view.setOnline(s.online);
      if (wentOffline && !this.conversation) this.askPrechat();
      this.renderState();
      this.render();
    } catch {
      // An older server has no status route: the header keeps its defaults.
    }
  }

  /** Resolved, handed over to a person, or the agent who has it. */
  private renderState(): void {
    const status = this.conversation?.status;
    const name = this.assignee ? this.senderName(this.assignee.id) : null;
    const state: ConversationState =
      status === 'RESOLVED'
        ? { kind: 'resolved' }
        : name
          ? { kind: 'assigned', name }
          : status === 'HANDED_OFF'
            ? { kind: 'handedOff' }
            : null;
    this.view.setState(state);
  }

  /** One label for an agent everywhere (bubbles, typing, header): the tenant's name if it prefers, else the agent's. */
  private senderName(userId: string | null | undefined): string | null {
    const v = this.opts.visitor;
    if (v?.senderLabel === 'tenant') return v.displayName ?? this.t.support;
    return (userId && this.names.get(userId)) || null;
  }

  /** Finds the visitor's open conversation and goes live on it, if there is one. */
  async start(): Promise<void> {
    if (this.opts.newConversation) return;
    try {
      const conversation = await findOpenConversation(this.api, this.claims);
      if (conversation) this.connect(conversation);
    } catch (err) {
      this.view.setError(fill(this.t.unavailable, (err as Error).message));
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

  /** A message, or a file (uploaded first, then sent as a message carrying it; its name is the text). */
  private async send(text: string, file?: File): Promise<void> {
    this.view.setError(null);
    try {
      const conversation = this.conversation ?? (await (this.opening ??= this.openNew()));
      this.typing?.stopTyping();
      const attachmentIds = file ? [(await this.api.uploadAttachment(conversation.id, file)).id] : undefined;
      const client = this.client;
      if (!client) return;
      await client.send({ conversationId: conversation.id, content: text, attachmentIds }).done.catch((err: SwitchboardError) => {
        if (!err.retryable) this.view.setError(fill(this.t.notSent, err.message));
      });
    } catch (err) {
      this.view.setError(fill(file ? this.t.notSent : this.t.unavailable, (err as Error).message));
    }
  }

  private async openNew(): Promise<Conversation> {
    try {
      // The inbox shows the subject, so the pre-chat name is what agents see first.
      const subject = this.opts.subject ?? 'Website chat';
      const conversation = await openConversation(this.api, this.claims, this.contactName ? `${this.contactName} · ${subject}` : subject);
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
    client.on(DefaultIn.error, (err) => {
      // Only a retired identity arrives live as AUTH_TOKEN_INVALID (details.reason VISITOR_MERGED).
      if (err.code === 'AUTH_TOKEN_INVALID') this.restart().catch((e: Error) => this.view.setError(e.message));
    });
    client.onFact((fact) => {
      if (fact.kind !== 'conversation' || fact.conversationId !== conversation.id || !this.conversation) return;
      const reopened = fact.conversation ?? { ...this.conversation, ...fact.patch };
      this.conversation = reopened;
      this.renderState();
      void this.refreshStatus();
    });
    this.renderState();
    void this.refreshStatus();
    this.typing.subscribe(() => this.renderTyping());
    this.feed.start();
    this.typing.start();
    this.openStream();
    let wasConnected = false;
    client.onState((s) => {
      // The banner shows once a connection is lost or refused, and hides when it is back.
      this.view.setOffline(s.status === 'reconnecting' || s.status === 'disconnected' || (s.status === 'connecting' && s.attempt > 0));
      if (s.status === 'connected' && !wasConnected) {
        this.openStream();
        void this.feed?.reload();
      }
      wasConnected = s.status === 'connected';
      this.sendReceipts();
    });
  }

  /**
   * The visitor this widget spoke for was identified as a known customer (in another tab, or by the host
   * later) and the server disconnected its sockets with VISITOR_MERGED (docs/decisions.md, "A merged
   * visitor's sockets are disconnected"). Starts over with a new session: the conversation is found again
   * with the new token's identity, so an identified page continues it and an anonymous one shows a fresh
   * chat rather than the customer's.
   */
  private async restart(): Promise<void> {
    this.stream?.close();
    this.typing?.stop();
    this.feed?.stop();
    this.client?.destroy();
    this.feed = this.conversation = null;
    // destroy() reported the socket down; nothing is down, there is just no conversation yet.
    this.view.setOffline(false);
    void this.refreshStatus();
    await this.refresh();
    await this.start();
  }

  private onFeed(): void {
    const messages = this.feed?.getSnapshot().messages ?? [];
    for (const m of messages) {
      if (this.seenIds.has(m.id)) continue;
      this.seenIds.add(m.id);
      // A stored assistant message replaces the streamed one.
      if (m.role === 'ASSISTANT') this.streaming.clear();
      if (!this.open && m.role !== 'USER' && this.seenIds.size > 1) this.unread++;
      // Off unless the page asks (`sound`): a short tone for a new agent message while the page is hidden.
      if (this.opts.sound && document.hidden && m.role === 'HUMAN_AGENT' && Date.now() - Date.parse(m.createdAt) < 10_000) beep();
    }
    this.view.setUnread(this.open ? 0 : this.unread);
    this.render();
    this.sendReceipts();
  }

  private render(): void {
    const messages = this.feed?.getSnapshot().messages ?? [];
    const streaming: StreamingReply[] = [...this.streaming].map(([replyId, text]) => ({ replyId, text }));
    this.view.render(messages, streaming, (m: FeedMessage) =>
      m.role === 'ASSISTANT' ? this.t.assistant : m.role === 'HUMAN_AGENT' ? (this.senderName(m.senderId) ?? this.t.support) : null,
    );
  }

  private renderTyping(): void {
    const typists = this.typing?.getSnapshot() ?? [];
    const staff = typists.filter((t) => t.role !== 'customer');
    for (const s of staff) if (s.name) this.names.set(s.userId, s.name);
    const first = staff[0];
    this.view.setTyping(first ? fill(this.t.typing, this.senderName(first.userId) ?? this.t.someone) : '');
  }

  private sendReceipts(): void {
    const messages = this.feed?.getSnapshot().messages;
    if (messages) this.receipts?.update(messages, this.open && document.visibilityState === 'visible');
  }

  /** Streamed assistant replies; quietly off when the server has no stream route. */
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

function beep(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.frequency.value = 880;
    tone.start();
    tone.stop(audio.currentTime + 0.25);
    tone.onended = () => void audio.close();
  } catch {
    // No audio (blocked until the page had a gesture, or unsupported): the unread badge still says it.
  }
}
