/**
 * Sockets that resumed with `auth.lastSeq`, by account: such a socket already holds every event of
 * its account up to that seq (each node emits an account's events in log order), so a live emit of
 * an older event must skip it. That happens after a node dies: an event the dead node emitted to
 * its sockets but never relayed reaches the survivor later, through the outbox tailer, when those
 * sockets have moved there. Remembered only as long as such late events can come.
 */
export class ResumePoints {
  private readonly byAccount = new Map<string, Map<string, { seq: number; until: number }>>();

  constructor(private readonly memoryMs: number) {}

  note(accountId: string, socketId: string, seq: number): void {
    let sockets = this.byAccount.get(accountId);
    if (!sockets) this.byAccount.set(accountId, (sockets = new Map<string, { seq: number; until: number }>()));
    sockets.set(socketId, { seq, until: Date.now() + this.memoryMs });
  }

  forget(accountId: string, socketId: string): void {
    const sockets = this.byAccount.get(accountId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.byAccount.delete(accountId);
  }

  /** Ids of the account's sockets that resumed at or after `seq` (they have it already). */
  holding(accountId: string, seq: number): string[] {
    const sockets = this.byAccount.get(accountId);
    if (!sockets) return [];
    const now = Date.now();
    const out: string[] = [];
    for (const [id, point] of sockets) {
      if (point.until < now) sockets.delete(id);
      else if (point.seq >= seq) out.push(id);
    }
    if (sockets.size === 0) this.byAccount.delete(accountId);
    return out;
  }
}
