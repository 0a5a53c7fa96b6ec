import type { AppIo, AppNamespace } from '../transport/socket-types';
import { dialectOfRoom } from './delivery';

interface Watch {
  /** Rooms that lost their last local member, and when. */
  emptied: Map<string, number>;
  lastPrune: number;
  /** Live rooms, and when the last one emptied (-Infinity: never). */
  surface: Presence;
  /** The default namespace's rooms by vocabulary (`dialect|…`), the same figures per prefix. */
  byDialect?: Map<string, Presence>;
}

interface Presence {
  live: number;
  emptiedAt: number;
}

/**
 * Whether an emit to some rooms of a namespace can reach anyone on this node: a socket is in one of
 * them now, or one left one of them within the connection-state-recovery window (a socket that comes
 * back is owed what its rooms got while it was away). An emit that cannot is skipped: every fact is
 * rendered for every vocabulary and the named namespaces, and with recovery on Socket.IO encodes each
 * emit and keeps it for the whole window even when no socket hears it (measured: two such packets per
 * connecting agent, about 1.3 KiB per connection held for two minutes; docs/decisions.md, "Memory per
 * connection"). Namespaces are watched from their creation, so no emptied room is missed.
 */
export class AudibleRooms {
  private readonly watched = new WeakMap<AppNamespace, Watch>();

  constructor(
    io: AppIo,
    private readonly recoveryWindowMs: number,
  ) {
    this.watch(io.of('/'));
    io.on('new_namespace', (nsp) => this.watch(nsp));
  }

  any(nsp: AppNamespace, rooms: readonly string[]): boolean {
    const w = this.watched.get(nsp);
    // A namespace we have not seen from its start: its history is unknown, so it is always heard.
    if (!w) return true;
    const live = nsp.adapter.rooms;
    for (const room of rooms) if (live.has(room)) return true;
    if (this.recoveryWindowMs <= 0 || w.emptied.size === 0) return false;
    const now = Date.now();
    this.prune(w, now);
    for (const room of rooms) {
      const at = w.emptied.get(room);
      if (at !== undefined && now - at <= this.recoveryWindowMs) return true;
    }
    return false;
  }

  /**
   * Whether anyone on this node may hear a namespace (`dialect` absent) or one vocabulary of the
   * default namespace (`dialect`) at all: a socket is in one of its rooms, or one left the last of
   * them within the recovery window. When not, no emit of it can pass {@link any}, so the broadcaster
   * does not even render it.
   */
  anyIn(nsp: AppNamespace, dialect?: string): boolean {
    const w = this.watched.get(nsp);
    if (!w) return true;
    const p = dialect === undefined ? w.surface : w.byDialect?.get(dialect);
    if (!p) return false;
    if (p.live > 0) return true;
    return this.recoveryWindowMs > 0 && Date.now() - p.emptiedAt <= this.recoveryWindowMs;
  }

  private watch(nsp: AppNamespace): void {
    if (this.watched.has(nsp)) return;
    const w: Watch = { emptied: new Map(), lastPrune: Date.now(), surface: { live: 0, emptiedAt: -Infinity } };
    if (nsp.name === '/') w.byDialect = new Map();
    this.watched.set(nsp, w);
    for (const room of nsp.adapter.rooms.keys()) this.counted(w, room, 1);
    nsp.adapter.on('create-room', (room: string) => this.counted(w, room, 1));
    nsp.adapter.on('delete-room', (room: string) => this.counted(w, room, -1));
    if (this.recoveryWindowMs <= 0) return;
    nsp.adapter.on('delete-room', (room: string) => w.emptied.set(room, Date.now()));
    // A room filled again is heard through its members; forgetting it keeps the map to recent departures.
    nsp.adapter.on('create-room', (room: string) => w.emptied.delete(room));
  }

  private counted(w: Watch, room: string, change: 1 | -1): void {
    add(w.surface, change);
    if (w.byDialect === undefined) return;
    const dialect = dialectOfRoom(room);
    if (dialect === undefined) return;
    let p = w.byDialect.get(dialect);
    if (!p) w.byDialect.set(dialect, (p = { live: 0, emptiedAt: -Infinity }));
    add(p, change);
  }

  private prune(w: Watch, now: number): void {
    if (now - w.lastPrune < this.recoveryWindowMs) return;
    w.lastPrune = now;
    for (const [room, at] of w.emptied) if (now - at > this.recoveryWindowMs) w.emptied.delete(room);
  }
}

function add(p: Presence, change: 1 | -1): void {
  p.live += change;
  if (p.live === 0 && change < 0) p.emptiedAt = Date.now();
}
