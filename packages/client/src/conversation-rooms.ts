import { DefaultOut } from './protocol-constants';

type Request = (
  event: typeof DefaultOut.join_conversation | typeof DefaultOut.sync,
  payload: { conversationId: string } | { since: number },
  timeoutMs?: number,
) => Promise<unknown>;

type SyncPage = { lastSeq: number; hasMore: boolean; retryAfterMs?: number; resync?: boolean };
/** Past this many pages the client is far behind; it reads the rest over HTTP like any fresh start. */
const MAX_SYNC_CALLS = 10;

/**
 * The conversations a client has joined, and what to do after a reconnect:
 * join them again, then close the gap a handshake
 * replay leaves (it ran before these rooms were back) with `sync` from the
 * same position; the dispatcher drops what arrives twice.
 */
export class ConversationRooms {
  private readonly ids = new Set<string>();

  add(conversationId: string): void {
    this.ids.add(conversationId);
  }

  remove(conversationId: string): void {
    this.ids.delete(conversationId);
  }

  list(): string[] {
    return [...this.ids];
  }

  async restore(request: Request, resume: { from: number | null; recovered: boolean }): Promise<void> {
    const ids = this.list();
    if (ids.length === 0) return;
    const joined = await Promise.allSettled(ids.map((conversationId) => request(DefaultOut.join_conversation, { conversationId })));
    // A recovered session kept its rooms and got its missed packets from Socket.IO itself.
    if (resume.recovered || resume.from === null || !joined.some((r) => r.status === 'fulfilled')) return;
    // Replay is paged (protocol: sync's hasMore); continue until done, a resync is asked for, or a bound.
    let since = resume.from;
    for (let call = 0; call < MAX_SYNC_CALLS; call++) {
      const page = (await request(DefaultOut.sync, { since }, 30_000).catch(() => undefined)) as SyncPage | undefined;
      if (!page?.hasMore || page.resync) return;
      if (page.retryAfterMs) await new Promise((resolve) => setTimeout(resolve, page.retryAfterMs));
      since = page.lastSeq;
    }
  }
}
