import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';

/**
 * Clients for the reliability scenarios: listeners that count every message they receive, and
 * senders that keep a steady rate. Both can move to another node when theirs goes away, as a
 * client behind a load balancer would, and resume where they left off (`auth.lastSeq`).
 */

function open(url: string, token: string, auth: Record<string, unknown> = {}): ClientSocket {
  return connectClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token, ...auth } });
}

export class Listener {
  /** message id -> times received */
  readonly counts = new Map<string, number>();
  readonly latencies: number[] = [];
  maxSeq = 0;
  socket!: ClientSocket;
  disconnects = 0;
  /** From losing its node to being caught up on the other (sync_complete), in ms. */
  reconnectMs: number | null = null;
  private moveTo: string | null = null;

  constructor(
    readonly name: string,
    private readonly token: string,
  ) {}

  /** Connects, resolving once caught up (sync_complete follows authenticated when lastSeq is sent). */
  connect(url: string, lastSeq?: number): Promise<void> {
    const socket = open(url, this.token, lastSeq === undefined ? {} : { lastSeq });
    this.socket = socket;
    socket.on('new_message', (p: { id: string; seq: number; content: string }) => {
      this.counts.set(p.id, (this.counts.get(p.id) ?? 0) + 1);
      if (p.seq > this.maxSeq) this.maxSeq = p.seq;
      const sentAt = Number(p.content.split(' ')[1]);
      if (Number.isFinite(sentAt)) this.latencies.push(Date.now() - sentAt);
    });
    socket.on('disconnect', () => {
      this.disconnects++;
      if (!this.moveTo) return;
      const lost = Date.now();
      const target = this.moveTo;
      this.moveTo = null;
      this.connect(target, this.maxSeq).then(
        () => (this.reconnectMs = Date.now() - lost),
        () => undefined,
      );
    });
    return settle(socket, lastSeq === undefined ? 'authenticated' : 'sync_complete', this.name);
  }

  /** When this listener's node goes, connect to `url` with the last seq seen. */
  failOverTo(url: string): void {
    this.moveTo = url;
  }
}

export class Sender {
  /** clientMessageId -> stored message id, for every acked send */
  readonly acked = new Map<string, string>();
  private readonly inFlight = new Map<string, string>();
  private socket!: ClientSocket;
  private timer: NodeJS.Timeout | null = null;
  private n = 0;
  private moveTo: string | null = null;
  refused = 0;

  constructor(
    readonly name: string,
    private readonly token: string,
    private readonly conversationId: string,
  ) {}

  connect(url: string): Promise<void> {
    const socket = open(url, this.token);
    this.socket = socket;
    socket.on('disconnect', () => {
      if (!this.moveTo) return;
      const target = this.moveTo;
      this.moveTo = null;
      // A client retries what it never heard back about, with the same clientMessageId: stored once.
      void this.connect(target).then(() => {
        for (const [id, content] of this.inFlight) this.emit(id, content);
      });
    });
    return settle(socket, 'authenticated', this.name);
  }

  failOverTo(url: string): void {
    this.moveTo = url;
  }

  start(perSecond: number): void {
    this.timer = setInterval(() => {
      if (!this.socket.connected) return;
      const id = `${this.name}-${++this.n}`;
      const content = `${id} ${Date.now()}`;
      this.inFlight.set(id, content);
      this.emit(id, content);
    }, 1_000 / perSecond);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits until nothing sent is still unanswered (or `ms` passes). */
  async drain(ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (this.inFlight.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }

  close(): void {
    this.stop();
    this.socket.disconnect();
  }

  private emit(clientMessageId: string, content: string): void {
    this.socket
      .timeout(10_000)
      .emitWithAck('send_message', { conversationId: this.conversationId, content, clientMessageId })
      .then((res: { ok: boolean; data?: { id: string } }) => {
        if (res.ok && res.data) {
          this.acked.set(clientMessageId, res.data.id);
          this.inFlight.delete(clientMessageId);
        } else this.refused++;
      })
      .catch(() => undefined); // no answer (the node died): retried after the move, or unknown
  }
}

/** Resolves on `event`; rejects on a refused handshake, a session error, an early disconnect, or after 15 s. */
function settle(socket: ClientSocket, event: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${name}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no ${event} within 15 s`), 15_000);
    socket.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => fail(`connect_error ${err.message}`));
    socket.once('error', (err: { code?: string; message?: string }) => fail(`error ${err?.code} ${err?.message}`));
  });
}

/** Nearest-rank percentile of `values`, in their unit; 0 when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** For each listener: acked messages it never got, and messages it got more than once. */
export function deliveryFaults(
  listeners: readonly Listener[],
  ackedIds: ReadonlySet<string>,
): Array<{ name: string; missing: number; duplicates: number }> {
  return listeners
    .map((l) => ({
      name: l.name,
      missing: [...ackedIds].filter((id) => !l.counts.has(id)).length,
      duplicates: [...l.counts.values()].filter((n) => n > 1).length,
    }))
    .filter((f) => f.missing > 0 || f.duplicates > 0);
}
