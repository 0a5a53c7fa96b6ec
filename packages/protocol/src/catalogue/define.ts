import type { z } from 'zod';

import type { AckCallback } from '../errors';

export type Seed = '000' | '001' | '002' | '003' | '004';
export type Direction = 'client' | 'server';
/**
 * Where an event lives. `default`, `portal` and `widget` are vocabularies of
 * the default namespace (`widget` also on its per-conversation namespaces); the rest are
 * the named namespaces of the same name; `sse` is the Server-Sent Events stream of
 * assistant replies (HTTP, not Socket.IO).
 */
export type Surface = 'default' | 'portal' | 'widget' | 'tickets' | 'chat' | 'notifications' | 'presence' | 'dashboard' | 'sse';

export interface EventSpec<S extends z.ZodType = z.ZodType> {
  seeds: readonly Seed[];
  /** Who receives it (server events) or what it acts on (client events), in words and room names. */
  room: string;
  description: string;
  schema: S;
  /** Dropped rather than queued when a client cannot take it now (a typing start; never a stop). */
  volatile?: boolean;
  /** Client events: the ack's `data`, when the event answers with data. */
  ack?: z.ZodType;
}

export type EventDef<N extends string = string, S extends z.ZodType = z.ZodType> = EventSpec<S> & {
  name: N;
  surface: Surface;
  direction: Direction;
};

/** Keeps a spec's own ack schema in the group's type, so acks are typed end to end. */
type AckOf<S> = S extends { ack: infer A extends z.ZodType } ? { ack: A } : unknown;

export type Catalogue<T extends Record<string, EventSpec>> = {
  readonly [K in keyof T & string]: EventDef<K, T[K]['schema']> & AckOf<T[K]>;
};

/**
 * Declares a group of events; each key is the event's name on the wire, so the
 * name is written once and read by the compiler everywhere else.
 */
export function defineEvents<const T extends Record<string, EventSpec>>(surface: Surface, direction: Direction, specs: T): Catalogue<T> {
  const out: Record<string, EventDef> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = { ...spec, name, surface, direction };
  return out as Catalogue<T>;
}

/** The payload type of one catalogued event. */
export type PayloadOf<E> = E extends EventDef<string, infer S> ? z.infer<S> : never;

/** The `data` of a successful ack: the spec's ack schema, or nothing. */
export type AckDataOf<E> = E extends { ack: infer A extends z.ZodType } ? z.output<A> : never;

/**
 * Socket.IO's event-map generic for client events. Payloads are typed as the
 * schema's input, what travels on the wire (a bare id where a transform accepts
 * one, a defaulted field left out); the server still parses before trusting it.
 */
export type ListenMap<C> = {
  [K in keyof C]: C[K] extends EventDef<string, infer S> ? (payload: z.input<S>, ack?: AckCallback<AckDataOf<C[K]>>) => void : never;
};
/** Socket.IO's event-map generic for server events: the schema's output, what a client receives. */
export type EmitMap<C> = {
  [K in keyof C]: C[K] extends EventDef<string, infer S> ? (payload: z.infer<S>) => void : never;
};

/** Event names of a catalogue group, as a value: `names(group).send_message === 'send_message'`. */
export function names<C extends Record<string, EventDef>>(group: C): { readonly [K in keyof C]: K } {
  const out: Record<string, string> = {};
  for (const key of Object.keys(group)) out[key] = key;
  return out as { readonly [K in keyof C]: K };
}
