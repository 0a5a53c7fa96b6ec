import { defaultServer as S } from '@switchboard/protocol';
import { Adapter, type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';

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

/** Rooms of a stored stub: a name no socket joins (socket ids and room names never start with a space). */
const NOBODY: BroadcastOptions = { rooms: new Set([' nobody']), except: new Set() };

/** SessionAwareAdapter's record of a stored packet (its `packets` field, private in its types). */
interface Stored {
  id: string;
  opts: BroadcastOptions;
  data: unknown[];
  emittedAt: number;
}

let stubs = 0;
/** Offsets of stubs: unique in the process, and outside yeast's alphabet, so never equal to Socket.IO's own. */
const stubOffset = () => `~${(stubs++).toString(36)}`;

/**
 * Presence announcements to the staff on the default namespace: state, not history. A staff socket
 * that recovers its session is sent `presence_snapshot` (who is online now) by the same session
 * start, which supersedes every announcement it missed, so replaying them would only repeat older
 * states before the current one. Kept, they held a packet per arriving agent for the whole window.
 */
const SUPERSEDED_BY_SNAPSHOT: ReadonlySet<string> = new Set([S.agent_online.name, S.agent_offline.name]);

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/**
 * Socket.IO's in-memory adapter with connection state recovery, except that a session-state event
 * sent to one socket, and a presence announcement on `/`, are not kept for recovery. With recovery on, Socket.IO routes even `socket.emit`
 * through the adapter, which keeps every event packet for the whole window (2–3 min): measured with
 * heap snapshots (docs/decisions.md, "Connections at scale"), the `presence_snapshot` of a tenant of
 * n staff is kept once per connection, so a tenant's connections held O(n²) memory (55 KiB per
 * connection at 2,000 agents of one tenant, three quarters of the heap).
 */
export class SessionStateAdapter extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const event: unknown = packet.type === EVENT && Array.isArray(packet.data) ? packet.data[0] : undefined;
    const unkept =
      typeof event === 'string' &&
      ((SESSION_STATE_EVENTS.has(event) && opts.rooms.size === 1 && !opts.except?.size) ||
        (SUPERSEDED_BY_SNAPSHOT.has(event) && (this.nsp as { name: string }).name === '/'));
    if (
      typeof event === 'string' &&
      OFFSET_ONLY_EVENTS.has(event) &&
      opts.rooms.size === 1 &&
      !opts.except?.size &&
      packet.id === undefined
    ) {
      const id = stubOffset();
      (packet.data as unknown[]).push(id);
      (this as unknown as { packets: Stored[] }).packets.push({ id, opts: NOBODY, data: [], emittedAt: Date.now() });
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    if (unkept) {
      // The plain adapter's broadcast: the same delivery, without an offset and without keeping it.
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    super.broadcast(packet, opts);
  }
}
