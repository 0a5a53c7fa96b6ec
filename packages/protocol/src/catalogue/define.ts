import type { z } from 'zod';

export type Seed = '000' | '001' | '002' | '003' | '004';
export type Direction = 'client' | 'server';
/**
 * Where an event lives. `default`, `portal` and `widget` are vocabularies of
 * the default namespace (`widget` also on 003's dynamic namespace); the rest are
 * 001's namespaces of the same name.
 */
export type Surface = 'default' | 'portal' | 'widget' | 'tickets' | 'chat' | 'notifications' | 'presence' | 'dashboard';

export interface EventSpec<S extends z.ZodType = z.ZodType> {
  seeds: readonly Seed[];
  /** Who receives it (server events) or what it acts on (client events), in words and room names. */
  room: string;
  description: string;
  schema: S;
  /** Dropped rather than queued when a client cannot take it now (typing). */
  volatile?: boolean;
  /** Client events: the ack's `data`, when the event answers with data. */
  ack?: z.ZodType;
}

export type EventDef<N extends string = string, S extends z.ZodType = z.ZodType> = EventSpec<S> & {
  name: N;
  surface: Surface;
  direction: Direction;
};

export type Catalogue<T extends Record<string, EventSpec>> = {
  readonly [K in keyof T & string]: EventDef<K, T[K]['schema']>;
};

/**
 * Declares a group of events; each key is the event's name on the wire, so the
 * name is written once and read by the compiler everywhere else.
 */
export function defineEvents<const T extends Record<string, EventSpec>>(
  surface: Surface,
  direction: Direction,
  specs: T,
): Catalogue<T> {
  const out: Record<string, EventDef> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = { ...spec, name, surface, direction };
  return out as Catalogue<T>;
}

/** The payload type of one catalogued event. */
export type PayloadOf<E> = E extends EventDef<string, infer S> ? z.infer<S> : never;

/** Socket.IO's event-map generic built from a catalogue group. */
export type ListenMap<C> = {
  [K in keyof C]: C[K] extends EventDef<string, infer S> ? (payload: z.infer<S>, ack?: (res: unknown) => void) => void : never;
};
export type EmitMap<C> = {
  [K in keyof C]: C[K] extends EventDef<string, infer S> ? (payload: z.infer<S>) => void : never;
};

/** Event names of a catalogue group, as a value: `names(group).send_message === 'send_message'`. */
export function names<C extends Record<string, EventDef>>(group: C): { readonly [K in keyof C]: K } {
  const out: Record<string, string> = {};
  for (const key of Object.keys(group)) out[key] = key;
  return out as { readonly [K in keyof C]: K };
}
