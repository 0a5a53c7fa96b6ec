import { DefaultOut } from './protocol-constants';

type Request = (event: typeof DefaultOut.join_conversation | typeof DefaultOut.sync, payload: { conversationId: string } | { since: number }, timeoutMs?: number) => Promise<unknown>;

/**
 * The conversations a client has joined, and what to do after a reconnect:
 * join them again (001, "resubscribeRooms"), then close the gap a handshake
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
    await request(DefaultOut.sync, { since: resume.from }, 30_000).catch(() => undefined);
  }
}
