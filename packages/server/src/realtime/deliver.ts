import type { EventDef } from '@switchboard/protocol';
import type { z } from 'zod';

import type { Delivery, RoomRef, Surface } from './delivery';

/**
 * Builds a delivery of one catalogued event; the payload is checked against the
 * catalogue's type at compile time, so a renderer cannot drift from the protocol.
 */
export function deliver<S extends z.ZodType>(
  surface: Surface,
  def: EventDef<string, S>,
  to: RoomRef[],
  payload: z.input<S>,
  /** `volatile` overrides the catalogue, for an event that carries both a start and a stop (001's chat:typing). */
  opts: { except?: RoomRef[]; volatile?: boolean } = {},
): Delivery {
  const d: Delivery = { surface, to, event: def.name, payload };
  if (opts.except) d.except = opts.except;
  if (opts.volatile ?? def.volatile) d.volatile = true;
  return d;
}
