import type { DomainEvent, EphemeralEvent } from '../domain/domain-event';
import type { Delivery } from './delivery';
import { renderDefault } from './render-default';
import { renderPortal } from './render-portal';
import { renderWidget } from './render-widget';

export type Renderer = (e: DomainEvent | EphemeralEvent) => Delivery[];

/** Each vocabulary's renderer; 001's namespaces add theirs. */
export const DEFAULT_RENDERERS: readonly Renderer[] = [renderDefault, renderPortal, renderWidget];

/** Every emit one fact causes, across all vocabularies: a pure function, tested against exact recipient lists. */
export function plan(e: DomainEvent | EphemeralEvent, renderers: readonly Renderer[] = DEFAULT_RENDERERS): Delivery[] {
  return renderers.flatMap((render) => render(e));
}
