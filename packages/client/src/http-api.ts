import type {
  Attachment,
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

  /** `assignee` is a user id, `me` or `none`; `label` a label id (staff only). */
  listConversations(
    query: { status?: ConversationStatus; limit?: number; before?: string; assignee?: string; team?: string; label?: string } = {},
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

  /**
   * Uploads a file (≤ 10 MB, an allowlisted type) into a conversation; send its id in a message's
   * `attachmentIds`. `file` is a Blob or File (its `type` is the content type) or bytes with `type`.
   */
  async uploadAttachment(
    conversationId: string,
    file: Blob | Uint8Array,
    opts: { name?: string; type?: string; signal?: AbortSignal } = {},
  ): Promise<Attachment> {
    // A File knows its name and type, a Blob its type, bytes neither.
    const name = opts.name ?? (file as { name?: string }).name;
    const type = opts.type || (file as { type?: string }).type || 'application/octet-stream';
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/attachments${queryString({ name })}`;
    const res = await this.call(path, (headers) => ({
      method: 'POST',
      headers: { ...headers, 'content-type': type },
      body: file as BodyInit,
      signal: opts.signal,
    }));
    return (await res.json()) as Attachment;
  }

  /** An attachment's bytes, for someone who may read its conversation (`URL.createObjectURL` shows it). */
  async fetchAttachment(id: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.call(`/api/attachments/${encodeURIComponent(id)}`, (headers) => ({ headers, signal }))).blob();
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

  postMessage(
    conversationId: string,
    body: { content: string; contentType?: ContentType; clientMessageId?: string; attachmentIds?: string[] },
  ): Promise<Message> {
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
    const json = body !== undefined;
    const res = await this.call(
      path,
      (headers) => ({
        method,
        headers: json ? { ...headers, 'content-type': 'application/json' } : headers,
        body: json ? JSON.stringify(body) : undefined,
        signal: opts.signal,
      }),
      opts.auth !== false,
    );
    const text = await res.text();
    return (text ? safeJson(text) : undefined) as T;
  }

  url(path: string): string {
    return `${this.opts.baseUrl.replace(/\/$/, '')}${path}`;
  }

  authHeader(): Record<string, string> {
    return { authorization: `Bearer ${this.opts.getToken()}` };
  }

  /**
   * One request, answered only when it succeeded (else a SwitchboardError). `init` is built for each
   * attempt with the auth headers of the moment, so the retry after a token refresh carries the new one.
   */
  private async call(path: string, init: (headers: Record<string, string>) => RequestInit, auth = true): Promise<Response> {
    const attempt = async () => {
      let res: Response;
      try {
        res = await this.fetchImpl(this.url(path), init(auth ? this.authHeader() : {}));
      } catch (err) {
        throw new SwitchboardError('NETWORK', err instanceof Error ? err.message : 'The server could not be reached');
      }
      if (!res.ok) throw await errorOf(res);
      return res;
    };
    try {
      return await attempt();
    } catch (err) {
      if (!(auth && err instanceof SwitchboardError && err.code === 'AUTH_TOKEN_EXPIRED' && this.opts.refreshToken)) throw err;
      await this.opts.refreshToken();
      return attempt();
    }
  }
}

/** The SwitchboardError a failed response carries (its `{ error }` body), or one from its status. */
async function errorOf(res: Response): Promise<SwitchboardError> {
  const text = await res.text().catch(() => '');
  const error = (safeJson(text) as { error?: ErrorPayload } | undefined)?.error;
  if (error?.code) return SwitchboardError.from(error, res.status);
  return new SwitchboardError(res.status >= 500 ? 'INTERNAL' : 'NOT_FOUND', `HTTP ${res.status}`, res.status);
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
