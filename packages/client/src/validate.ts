import { CATALOGUE, type Direction, type EventDef, type PayloadOf, type Surface } from '@switchboard/protocol';

import { SwitchboardError } from './api-error';

/*
 * Optional run-time checks of payloads against the catalogue's zod schemas, as
 * the separate entry `@switchboard/client/validate`: it loads zod and every
 * schema, which the SDK itself never does (it trusts its server and stays small
 * in a browser bundle). Use it where payloads come from somewhere less trusted,
 * e.g. events relayed through your own backend, or in tests.
 */

/** The catalogue entry for an event name on a surface, or undefined. */
export function findEvent(surface: Surface, name: string, direction: Direction = 'server'): EventDef | undefined {
  return CATALOGUE.find((e) => e.surface === surface && e.name === name && e.direction === direction);
}

/**
 * Parses `payload` with the event's schema and returns the parsed value;
 * throws a `SwitchboardError` `VALIDATION_FAILED` whose `details.issues` lists
 * what is wrong.
 *
 * @example
 * import { defaultServer } from '@switchboard/protocol';
 * const m = validateEvent(defaultServer.new_message, payload); // typed as new_message's payload
 */
export function validateEvent<E extends EventDef>(event: E, payload: unknown): PayloadOf<E> {
  const parsed = event.schema.safeParse(payload);
  if (parsed.success) return parsed.data as PayloadOf<E>;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new SwitchboardError('VALIDATION_FAILED', `invalid ${event.name} payload`, 0, { issues });
}

/** {@link validateEvent} by name; an event the catalogue does not have is `NOT_FOUND`. */
export function validatePayload(surface: Surface, name: string, payload: unknown, direction: Direction = 'server'): unknown {
  const event = findEvent(surface, name, direction);
  if (!event) throw new SwitchboardError('NOT_FOUND', `no ${direction} event ${name} on ${surface}`);
  return validateEvent(event, payload);
}
