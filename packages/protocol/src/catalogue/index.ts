import { defaultClient, defaultServer } from './default';
import type { EventDef } from './define';
import { namedNamespaces } from './named-namespaces';
import { portalServer } from './portal';
import { streamServer } from './stream';
import { widgetServer } from './widget';

export * from './define';
export * from './default';
export * from './portal';
export * from './widget';
export * from './named-namespaces';
export * from './stream';
export type * from './socket-types';

/** Every catalogued event, in one list: the docs and the tests read this. */
export const CATALOGUE: readonly EventDef[] = [
  ...Object.values(defaultClient),
  ...Object.values(defaultServer),
  ...Object.values(portalServer),
  ...Object.values(widgetServer),
  ...Object.values(namedNamespaces).flatMap((group): EventDef[] => Object.values(group as Record<string, EventDef>)),
  ...Object.values(streamServer),
];
