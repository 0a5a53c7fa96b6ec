import type {
  ChannelType,
  ContentType,
  Conversation,
  ConversationStatus,
  ErrorPayload,
  Message,
  Note,
  SearchPage,
} from '@switchboard/protocol';

import { SwitchboardError } from './api-error';

/** One logged event as `GET /api/updates` returns it: its deliveries in the default vocabulary. */
export interface PolledEvent {
  seq: number;
  id: string;
  type: string;
  createdAt: string;
  deliveries: Array<{ event: string; payload: unknown }>;
}

export interface UpdatesPage {
  events: PolledEvent[];
  lastSeq: number;
  more?: boolean;
}

export interface HttpApiOptions {
  baseUrl: string;
  getToken: () => string;
  /** Called once when the server says the token expired; resolves with a fresh one. */
  refreshToken?: () => Promise<string>;
  fetch?: typeof fetch;
}

/**
 * The HTTP half of the contract (`/api/...`), with the same error codes as the
 * sockets. Used for history, for the polling fallback and for sends while the
 * socket is down.
 */
export class HttpApi {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: HttpApiOptions) {
    this.fetchImpl = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  listConversations(
    query: { status?: ConversationStatus; limit?: number; before?: string } = {},
  ): Promise<{ conversations: Conversation[] }> {
    return this.request('GET', `/api/conversations${queryString(query)}`);
  }

  getConversation(id: string): Promise<Conversation> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
  }

  /** Moves the caller's read position to `messageId` (or the newest message); answers the conversation with its new `unreadCount`. */
  markConversationRead(id: string, messageId?: string): Promise<Conversation> {
    return this.request('POST', `/api/conversations/${encodeURIComponent(id)}/read`, messageId ? { messageId } : {});
  }

  /** Staff search over message text and contact name / email in the caller's tenant (web-search syntax). */
  search(q: string, cursor?: string): Promise<SearchPage> {
    return this.request('GET', `/api/search${queryString({ q, cursor })}`);
  }

  /** A private note (agents and admins); staff hear it live as `note_created`, customers never. */
  addNote(conversationId: string, content: string): Promise<Note> {
    return this.request('POST', `/api/conversations/${encodeURIComponent(conversationId)}/notes`, { content });
  }

  listNotes(conversationId: string): Promise<{ notes: Note[] }> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(conversationId)}/notes`);
  }

  createConversation(body: { subject?: string; channelType?: ChannelType; contactId?: string } = {}): Promise<Conversation> {
    return this.request('POST', '/api/conversations', body);
  }

  listMessages(conversationId: string, query: { after?: string; limit?: number } = {}): Promise<{ messages: Message[] }> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages${queryString(query)}`);
  }

  /** Every message of a conversation, oldest first, paging with `after` (bounded by `max`). */
  async allMessages(conversationId: string, max = 5_000): Promise<Message[]> {
    const out: Message[] = [];
    const page = 500;
    for (;;) {
      const after = out[out.length - 1]?.id;
      const { messages } = await this.listMessages(conversationId, after ? { after, limit: page } : { limit: page });
      out.push(...messages);
      if (messages.length < page || out.length >= max) return out;
    }
  }

  postMessage(conversationId: string, body: { content: string; contentType?: ContentType; clientMessageId?: string }): Promise<Message> {
    return this.request('POST', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, body);
  }

  updates(since: number, limit?: number): Promise<UpdatesPage> {
    return this.request('GET', `/api/updates${queryString({ since, limit })}`);
  }

  /**
   * Any JSON route, with the Bearer token (unless `auth: false`). Failures are
   * {@link SwitchboardError}s; an expired token is refreshed once and the call retried.
   */
  async request<T>(method: string, path: string, body?: unknown, opts: { auth?: boolean; signal?: AbortSignal } = {}): Promise<T> {
    try {
      return await this.once<T>(method, path, body, opts);
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === 'AUTH_TOKEN_EXPIRED' && this.opts.refreshToken && opts.auth !== false) {
        await this.opts.refreshToken();
        return this.once<T>(method, path, body, opts);
      }
      throw err;
    }
  }

  url(path: string): string {
    return `${this.opts.baseUrl.replace(/\/$/, '')}${path}`;
  }

  authHeader(): Record<string, string> {
    return { authorization: `Bearer ${this.opts.getToken()}` };
  }

  private async once<T>(method: string, path: string, body: unknown, opts: { auth?: boolean; signal?: AbortSignal }): Promise<T> {
    const headers: Record<string, string> = opts.auth === false ? {} : this.authHeader();
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal,
      });
    } catch (err) {
      throw new SwitchboardError('NETWORK', err instanceof Error ? err.message : 'The server could not be reached');
    }
    const text = await res.text();
    const json = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const error = (json as { error?: ErrorPayload } | undefined)?.error;
      if (error?.code) throw SwitchboardError.from(error, res.status);
      throw new SwitchboardError(res.status >= 500 ? 'INTERNAL' : 'NOT_FOUND', `HTTP ${res.status}`, res.status);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
