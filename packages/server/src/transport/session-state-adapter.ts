import { defaultServer as S } from '@switchboard/protocol';
import { Adapter, type BroadcastOptions, type Session, SessionAwareAdapter } from 'socket.io-adapter';

import { NOBODY, RecoveryPackets } from './recovery-packets';

/** The part of a Socket.IO packet looked at here. */
interface Packet {
  type: number;
  data?: unknown;
  id?: number;
}

/**
 * Events that tell one socket the state of its session. The session start sends them afresh on
 * every connection, a recovered one included (handlers/default-session.ts), so a stored copy is
 * never replayed to anyone: it is only memory.
 */
const SESSION_STATE_EVENTS: ReadonlySet<string> = new Set([S.presence_snapshot.name]);

/**
 * `authenticated` is the first packet a socket gets, so its offset is the first a client holds, and
 * a client that comes back without one cannot recover at all (test/live/replay.test.ts fails). Its
 * content is never replayed, though: recovery sends what came after a client's offset, and this is
 * the packet that gave the offset. So the offset is kept, in a stub that no socket's rooms match,
 * not the payload, its room sets and flags (~0.5 KiB per connection for 2–3 min).
 */
const OFFSET_ONLY_EVENTS: ReadonlySet<string> = new Set([S.authenticated.name]);

/**
 * Presence announcements to the staff on the default namespace: state, not history. A staff socket
 * that recovers its session is sent `presence_snapshot` (who is online now) by the same session
 * start, which supersedes every announcement it missed, so replaying them would only repeat older
 * states before the current one. Kept, they held a packet per arriving agent for the whole window.
 */
const SUPERSEDED_BY_SNAPSHOT: ReadonlySet<string> = new Set([S.agent_online.name, S.agent_offline.name]);

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/** The part of a persisted session read here (SessionAwareAdapter's `sessions`, private in its types). */
type PersistedSession = Omit<Session, 'missedPackets'> & { disconnectedAt: number };

const NOBODY_ROOMS: ReadonlySet<string> = new Set([NOBODY]);

/**
 * Socket.IO's in-memory adapter with connection state recovery, except that:
 * - a session-state event sent to one socket, and a presence announcement on `/`, are not kept for
 *   recovery. With recovery on, Socket.IO routes even `socket.emit` through the adapter, which keeps
 *   every event packet for the whole window (2–3 min): measured with heap snapshots (docs/decisions.md,
 *   "Connections at scale"), the `presence_snapshot` of a tenant of n staff is kept once per
 *   connection, so a tenant's connections held O(n²) memory (55 KiB per connection at 2,000 agents
 *   of one tenant, three quarters of the heap);
 * - what is kept is the encoded text, in a RecoveryPackets store, not the packet's objects.
 */
export class SessionStateAdapter extends SessionAwareAdapter {
  private readonly kept: RecoveryPackets;
  /** What the namespace's encoder wrote last: the broadcast under way's packet. */
  private written: unknown = null;

  constructor(nsp: { name: string; server: { opts: { connectionStateRecovery: { maxDisconnectionDuration: number } } } }) {
    super(nsp);
    const windowMs = nsp.server.opts.connectionStateRecovery.maxDisconnectionDuration;
    // The Socket.IO protocol's text packet: type, then the namespace and a comma unless it is "/", then the JSON data.
    this.kept = new RecoveryPackets(windowMs, `${EVENT}${nsp.name === '/' ? '' : `${nsp.name},`}`);
    // The adapter encodes a broadcast once for all its sockets; wrapped, that text is also what is kept.
    const self = this as unknown as { encoder: { encode(packet: unknown): unknown } };
    const encoder = self.encoder;
    self.encoder = { encode: (packet: unknown) => (this.written = encoder.encode(packet)) };
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const event: unknown = packet.type === EVENT && Array.isArray(packet.data) ? packet.data[0] : undefined;
    // Socket.IO's own rule: packets with an ack, and volatile ones, are never kept.
    const keepable = typeof event === 'string' && packet.id === undefined && opts.flags?.volatile === undefined;
    const unkept =
      !keepable ||
      (SESSION_STATE_EVENTS.has(event) && opts.rooms.size === 1 && !opts.except?.size) ||
      (SUPERSEDED_BY_SNAPSHOT.has(event) && (this.nsp as { name: string }).name === '/');
    if (unkept) {
      // The plain adapter's broadcast: the same delivery, without an offset and without keeping it.
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    const offsetOnly = OFFSET_ONLY_EVENTS.has(event) && opts.rooms.size === 1 && !opts.except?.size;
    const data = packet.data as unknown[];
    const offset = offsetOnly ? this.kept.keep(NOBODY_ROOMS, undefined, null) : this.kept.keep(opts.rooms, opts.except, data);
    // The offset is the last argument, where the client reads it (as Socket.IO's own adapter does).
    data.push(offset);
    this.written = null;
    Adapter.prototype.broadcast.call(this, packet, opts);
    if (!offsetOnly) this.kept.encoded(offset, this.written);
    this.written = null;
  }

  override restoreSession(pid: string, offset: string): Promise<Session> {
    const sessions = (this as unknown as { sessions: Map<string, PersistedSession> }).sessions;
    const session = sessions.get(pid);
    if (!session) return Promise.resolve(null as unknown as Session);
    if (session.disconnectedAt + this.kept.windowMs < Date.now()) {
      sessions.delete(pid);
      return Promise.resolve(null as unknown as Session);
    }
    const missedPackets = this.kept.after(offset, session.rooms);
    return Promise.resolve((missedPackets ? { ...session, missedPackets } : null) as unknown as Session);
  }
}
