import { performance } from 'node:perf_hooks';

import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { io, type Socket } from 'socket.io-client';

import { benchClaims, signBenchToken } from '../core/bench-token';
import type { ChatConnectSpec, ConnectResult } from './messages';

export interface ChatGroup {
  conversationId: string;
  sender: Socket;
  members: Socket[];
}

/** `#<seq># xxx…`: the number a chat message carries, at the start of its content. */
export function chatContent(seq: number, chars: number): string {
  const head = `#${seq}# `;
  return head + 'x'.repeat(Math.max(1, chars - head.length));
}

function seqOfContent(content: unknown): number {
  if (typeof content !== 'string' || content.charCodeAt(0) !== 0x23) return -1;
  const end = content.indexOf('#', 1);
  return end > 1 ? Number(content.slice(1, end)) : -1;
}

/** The sequence number of a `new_message`: seed 000's nested `message.content`, or 002's flat `content`. */
export function seqOfNewMessage(payload: unknown): number {
  if (payload === null || typeof payload !== 'object') return -1;
  const p = payload as { content?: unknown; message?: { content?: unknown } };
  return seqOfContent(p.message?.content ?? p.content);
}

function openSocket(baseUrl: string, token: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(baseUrl, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false, timeout: timeoutMs });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
  });
}

async function createConversation(baseUrl: string, token: string, timeoutMs: number): Promise<string> {
  const res = await fetch(`${baseUrl}/api/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'bench chat' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { id?: string; error?: { code?: string } };
  if (res.status !== 201 || !body.id) throw new Error(`POST /api/conversations: ${res.status} ${body.error?.code ?? ''}`);
  return body.id;
}

async function join(socket: Socket, conversationId: string, spec: ChatConnectSpec): Promise<void> {
  const payload = spec.profile.joinPayload === 'object' ? { conversationId } : conversationId;
  const reply = (await socket.timeout(spec.timeoutMs).emitWithAck(C.join_conversation.name, payload)) as
    { ok?: boolean; error?: { code?: string } } | undefined;
  if (reply && reply.ok === false) throw new Error(`join_conversation: ${reply.error?.code ?? 'refused'}`);
}

/**
 * The chat scenario's clients: per group, one sender and `members` listeners,
 * all agents of the group's tenant and all in the group's conversation. Every
 * `new_message` a listener receives is reported with the group and the
 * listener's position, so the round can check each message reached each
 * listener exactly once.
 */
export class ChatGroups {
  groups: ChatGroup[] = [];
  drops = 0;
  onDelivery: (group: ChatGroup, member: number, seq: number) => void = () => {};

  async connect(spec: ChatConnectSpec): Promise<ConnectResult> {
    this.closeAll();
    const started = performance.now();
    const errors: Record<string, number> = {};
    let failed = 0;
    let socketIndex = 0;
    const built: Array<ChatGroup | null> = new Array<ChatGroup | null>(spec.groups.length).fill(null);

    const buildGroup = async (g: number) => {
      const { tenantId, extraClaims } = spec.groups[g]!;
      const opened: Socket[] = [];
      try {
        const tokens = await Promise.all(
          Array.from({ length: spec.members + 1 }, (_, j) => signBenchToken(benchClaims(j + 1, tenantId, extraClaims), spec.jwtSecret)),
        );
        for (const token of tokens) {
          const url = spec.baseUrls[socketIndex++ % spec.baseUrls.length]!;
          opened.push(await openSocket(url, token, spec.timeoutMs));
        }
        const conversationId =
          spec.profile.conversations === 'http'
            ? await createConversation(spec.baseUrls[g % spec.baseUrls.length]!, tokens[0]!, spec.timeoutMs)
            : `bench-conversation-${g}`;
        await Promise.all(opened.map((s) => join(s, conversationId, spec)));
        const [sender, ...members] = opened as [Socket, ...Socket[]];
        const group: ChatGroup = { conversationId, sender, members };
        members.forEach((socket, m) =>
          socket.on(S.new_message.name, (payload: unknown) => {
            const seq = seqOfNewMessage(payload);
            if (seq >= 0) this.onDelivery(group, m, seq);
          }),
        );
        for (const s of opened) s.on('disconnect', () => this.drops++);
        built[g] = group;
      } catch (err) {
        for (const s of opened) s.close();
        failed++;
        const message = err instanceof Error ? err.message : String(err);
        errors[message] = (errors[message] ?? 0) + 1;
      }
    };

    let next = 0;
    const worker = async () => {
      while (next < spec.groups.length) await buildGroup(next++);
    };
    // A group opens its sockets one after another, so `concurrency` groups keep that many handshakes in flight.
    await Promise.all(Array.from({ length: Math.max(1, Math.min(spec.concurrency, spec.groups.length)) }, worker));
    this.groups = built.filter((g): g is ChatGroup => g !== null);
    this.drops = 0;
    const connected = this.groups.length * (spec.members + 1);
    return { connected, failed: failed * (spec.members + 1), elapsedMs: performance.now() - started, errors };
  }

  closeAll(): number {
    let n = 0;
    for (const g of this.groups) {
      for (const s of [g.sender, ...g.members]) {
        s.close();
        n++;
      }
    }
    this.groups = [];
    return n;
  }
}
