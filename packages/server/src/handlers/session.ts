import { NAMESPACES, type UserSummary } from '@switchboard/protocol';

import type { Principal } from '../auth/principal';
import { joinedRoomName, roomName, type RoomRef, type Surface } from '../realtime/delivery';
import { noteJoined, noteLeft } from '../realtime/room-joins';
import { holdsRoom, roomsOf, type Viewer, viewerOf } from '../realtime/viewer-receives';
import type { Services } from '../services';
import { EventTable } from '../transport/on-event';
import { principalOf } from '../transport/principal-of';
import type { AppNamespace, AppSocket } from '../transport/socket-types';

/**
 * What a handler sees of whoever called it, on every namespace: the actor, and the caller's rooms
 * by meaning ({@link RoomRef}), never by name. A handler is `(session, input) => result`; on a
 * socket the session is the socket's ({@link SocketSession}), and {@link CallerSession} runs the
 * same handlers without one (tests, as tRPC's `createCaller`).
 */
export interface Session {
  readonly actor: Principal;
  /** Set for a socket bound to one conversation (the widget's): it may act on no other. */
  readonly boundConversationId: string | undefined;
  /** Joins rooms of the caller's surface; a conversation joined is remembered for clean-up. */
  join(refs: readonly RoomRef[]): Promise<void>;
  leave(refs: readonly RoomRef[]): Promise<void>;
  isIn(ref: RoomRef): boolean;
  /** The users of the caller's surface in one of its rooms now, across nodes. */
  members(ref: RoomRef): Promise<UserSummary[]>;
}

/** The one summary of a person every surface shows (typing on tickets, who is in a conversation). */
export function summaryOf(p: Pick<Principal, 'userId' | 'name' | 'email' | 'role'>): UserSummary {
  return { id: p.userId, name: p.name, email: p.email, role: p.role };
}

const NAMED = new Set<string>(Object.values(NAMESPACES).filter((ns) => ns !== '/'));

/** Where a socket's rooms live: one vocabulary of `/` (the widget's conversation namespaces included), or a named namespace. */
export function surfaceOf(socket: AppSocket): Surface {
  const ns = socket.nsp.name;
  if (ns !== '/' && !socket.data.boundConversationId && NAMED.has(ns)) return { ns: ns as Exclude<Surface['ns'], '/'> };
  return { ns: '/', dialect: socket.data.dialect };
}

/**
 * A socket's session. Made per event (a handful of fields), not kept per socket: an idle
 * connection costs nothing more for it (docs/decisions.md, "Memory per connection").
 */
export class SocketSession implements Session {
  readonly actor: Principal;
  private readonly surface: Surface;

  constructor(
    private readonly services: Pick<Services, 'broadcaster'>,
    readonly socket: AppSocket,
  ) {
    this.actor = principalOf(socket);
    this.surface = surfaceOf(socket);
  }

  get boundConversationId(): string | undefined {
    return this.socket.data.boundConversationId;
  }

  async join(refs: readonly RoomRef[]): Promise<void> {
    const d = this.socket.data;
    const names = refs.map((r) => joinedRoomName(d.accountId, r, this.surface));
    // Only `/` replays (realtime/replay-to-socket.ts), so only its joins are worth the memory of a note.
    if (this.surface.ns === '/') noteJoined(this.socket, names, this.services.broadcaster.ledger.position());
    await this.socket.join(names);
    for (const r of refs) if (r.kind === 'conversation' && !d.conversations.includes(r.id)) d.conversations.push(r.id);
  }

  async leave(refs: readonly RoomRef[]): Promise<void> {
    const d = this.socket.data;
    for (const r of refs) {
      const name = roomName(d.accountId, r, this.surface);
      noteLeft(this.socket, name);
      await this.socket.leave(name);
      if (r.kind === 'conversation') d.conversations = d.conversations.filter((id) => id !== r.id);
    }
  }

  isIn(ref: RoomRef): boolean {
    return this.socket.rooms.has(roomName(this.socket.data.accountId, ref, this.surface));
  }

  async members(ref: RoomRef): Promise<UserSummary[]> {
    const room = roomName(this.socket.data.accountId, ref, this.surface);
    // socket.nsp is typed without the app's SocketData; it is this socket's namespace.
    const sockets = await (this.socket.nsp as AppNamespace).in(room).fetchSockets();
    const users = new Map<string, UserSummary>();
    for (const s of sockets) users.set(s.data.userId, summaryOf(s.data));
    return [...users.values()];
  }

  /** Joins the rooms a socket is in from the start ({@link roomsOf}); conversation rooms only through checked joins. */
  async joinOwnRooms(): Promise<void> {
    await this.join(roomsOf(viewerOf(this.socket)));
  }

  /**
   * After `token:update`: follows the socket's new claims (a staff member's `teamIds`), leaving the
   * rooms it is no longer in and joining the new ones, so a team change needs no reconnect.
   */
  async follow(before: Viewer): Promise<void> {
    const was = roomsOf(before);
    const now = roomsOf(viewerOf(this.socket));
    await this.leave(was.filter((r) => !holdsRoom(now, r)));
    const joined = now.filter((r) => !holdsRoom(was, r));
    if (joined.length) await this.join(joined);
  }
}

/**
 * A session without a socket: the actor's own room set, kept here. Runs a surface's handlers for
 * callers that are not sockets (see `EventTable.caller`), with the same checks and services.
 */
export class CallerSession implements Session {
  readonly boundConversationId: string | undefined;
  /** The rooms joined, by name, as a socket on `surface` would be in them. */
  readonly rooms = new Set<string>();

  constructor(
    readonly actor: Principal,
    private readonly surface: Surface = { ns: '/', dialect: 'default' },
    opts: { boundConversationId?: string } = {},
  ) {
    this.boundConversationId = opts.boundConversationId;
  }

  async join(refs: readonly RoomRef[]): Promise<void> {
    for (const r of refs) this.rooms.add(this.name(r));
  }

  async leave(refs: readonly RoomRef[]): Promise<void> {
    for (const r of refs) this.rooms.delete(this.name(r));
  }

  isIn(ref: RoomRef): boolean {
    return this.rooms.has(this.name(ref));
  }

  async members(ref: RoomRef): Promise<UserSummary[]> {
    return this.isIn(ref) ? [summaryOf(this.actor)] : [];
  }

  private name(r: RoomRef): string {
    return roomName(this.actor.accountId, r, this.surface);
  }
}

/** An empty table of client events whose handlers see each socket through its {@link SocketSession}. */
export function sessionTable(services: Pick<Services, 'broadcaster'>): EventTable<Session> {
  return new EventTable<Session>((socket) => new SocketSession(services, socket));
}
