import { type Conversation, type Dialect, type EventDef, rooms } from '@switchboard/protocol';
import type { z } from 'zod';

import { customerView } from '../access/policy';
import type { DomainEvent, EphemeralEvent } from '../domain/domain-event';

/*
 * What a fact becomes on the wire, as data: the rooms it goes to, in which vocabulary, with which
 * payload. Renderers (renderers/) turn a fact into deliveries; the broadcaster and replay emit them.
 * Everything here is pure, so the exact recipient lists are tested without a socket
 * (test/realtime/plan.test.ts).
 */

/** A room within the event's tenant, by meaning rather than by name. */
export type RoomRef =
  | { kind: 'tenant' }
  | { kind: 'tenantStaff' }
  | { kind: 'user'; id: string }
  | { kind: 'agent'; id: string }
  | { kind: 'team'; id: string }
  | { kind: 'conversation'; id: string }
  | { kind: 'ticket'; id: string }
  | { kind: 'presence'; id: string }
  /** Every socket of the namespace, all tenants: only for system-wide notices. */
  | { kind: 'all' };

/** Where a socket lives: one vocabulary of the default namespace, or one of the named namespaces. */
export type Surface = { ns: '/'; dialect: Dialect } | { ns: '/tickets' | '/chat' | '/notifications' | '/presence' | '/dashboard' };

/** One emit: an event, in one vocabulary, to the union of some rooms minus others. */
export interface Delivery {
  surface: Surface;
  to: RoomRef[];
  except?: RoomRef[];
  event: string;
  payload: unknown;
  volatile?: boolean;
}

/** One vocabulary's renderer: every emit a fact causes in it (none when it has no word for the fact). */
export type Renderer = (e: DomainEvent | EphemeralEvent) => Delivery[];

/** Every emit one fact causes, across all vocabularies: a pure function, tested against exact recipient lists. */
export function plan(e: DomainEvent | EphemeralEvent, renderers: readonly Renderer[]): Delivery[] {
  return renderers.flatMap((render) => render(e));
}

/**
 * Builds a delivery of one catalogued event; the payload is checked against the
 * catalogue's type at compile time, so a renderer cannot drift from the protocol.
 */
export function deliver<S extends z.ZodType>(
  surface: Surface,
  def: EventDef<string, S>,
  to: RoomRef[],
  payload: z.input<S>,
  /** `volatile` overrides the catalogue, for an event that carries both a start and a stop (`/chat`'s chat:typing). */
  opts: { except?: RoomRef[]; volatile?: boolean } = {},
): Delivery {
  const d: Delivery = { surface, to, event: def.name, payload };
  if (opts.except) d.except = opts.except;
  if (opts.volatile ?? def.volatile) d.volatile = true;
  return d;
}

/**
 * A conversation fact heard by staff and by the customers in the conversation's room: staff (and
 * `alsoTo`, e.g. the assignee's room) get the payload built from the whole conversation; the room,
 * less staff, gets it built from the customer's view of it (access/policy.ts#customerView), so the
 * AI's reading and labels never reach a customer live, in replay or by polling (replay and polling
 * derive from the same deliveries).
 */
export function deliverToStaffAndRoom<S extends z.ZodType>(
  surface: Surface,
  def: EventDef<string, S>,
  conversation: Conversation,
  payloadOf: (c: Conversation) => z.input<S>,
  alsoTo: RoomRef[] = [],
): Delivery[] {
  return [
    deliver(surface, def, [{ kind: 'tenantStaff' }, ...alsoTo], payloadOf(conversation)),
    deliver(surface, def, [{ kind: 'conversation', id: conversation.id }], payloadOf(customerView(conversation)), {
      except: [{ kind: 'tenantStaff' }],
    }),
  ];
}

/**
 * Adds the log position and event id to an object payload, so clients can dedupe and resume. Once
 * per delivery, never per recipient: every socket of the delivery gets the same encoded packet.
 *
 * `Object.assign`, not `{ ...payload, seq, eventId }`: this one site sees every payload shape, and in
 * the running server V8's spread there gave each result a map of its own (a hidden class, descriptor
 * array and enum cache per message, 0.8 KiB, kept as long as the recovery window keeps the packet;
 * 14,937 unique maps in one heap snapshot, docs/decisions.md "The recovery window in the heap").
 * Assigning into an empty literal follows the shared transition tree.
 */
export function withEnvelope<T>(payload: T, seq: number | undefined, eventId: string | undefined): T {
  if (seq === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const enveloped = Object.assign({}, payload) as Record<string, unknown>;
  enveloped.seq = seq;
  enveloped.eventId = eventId;
  return enveloped as T;
}

/** The canonical room name; on the default namespace each vocabulary has its own copy of every room. */
export function roomName(accountId: string, ref: RoomRef, surface: Surface): string {
  const base = canonical(accountId, ref);
  return surface.ns === '/' ? `${surface.dialect}${DIALECT_MARK}${base}` : base;
}

const DIALECT_MARK = '|';

/** The vocabulary a default-namespace room belongs to ({@link roomName}'s prefix), or undefined for any other room. */
export function dialectOfRoom(room: string): string | undefined {
  const at = room.indexOf(DIALECT_MARK);
  return at < 0 ? undefined : room.slice(0, at);
}

const SHARED_KINDS = new Set<RoomRef['kind']>(['tenant', 'tenantStaff', 'team', 'all']);
const MAX_SHARED_NAMES = 10_000;
const sharedNames = new Map<string, string>();

/**
 * The name of a room a socket joins, as one string for every socket of a tenant-wide room: each
 * socket otherwise keeps its own copy (built by concatenation, so with its cons-string wrappers),
 * about 0.3 KiB per connection for its tenant, staff and everyone rooms. Bounded: when full the
 * table starts over, which costs only sharing.
 */
export function joinedRoomName(accountId: string, ref: RoomRef, surface: Surface): string {
  const name = roomName(accountId, ref, surface);
  if (!SHARED_KINDS.has(ref.kind)) return name;
  const known = sharedNames.get(name);
  if (known !== undefined) return known;
  if (sharedNames.size >= MAX_SHARED_NAMES) sharedNames.clear();
  sharedNames.set(name, name);
  return name;
}

function canonical(accountId: string, ref: RoomRef): string {
  switch (ref.kind) {
    case 'tenant':
      return rooms.tenant(accountId);
    case 'tenantStaff':
      return rooms.tenantStaff(accountId);
    case 'all':
      return '*';
    default:
      return rooms[ref.kind](accountId, ref.id);
  }
}
