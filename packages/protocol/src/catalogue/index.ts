import { defaultClient, defaultServer } from './default';
import type { EventDef } from './define';
import { insightdesk } from './insightdesk';
import { portalServer } from './portal';
import { streamServer } from './stream';
import { widgetServer } from './widget';

export * from './define';
export * from './default';
export * from './portal';
export * from './widget';
export * from './insightdesk';
export * from './stream';
export type * from './socket-types';

/** Every catalogued event, in one list: the docs and the tests read this. */
export const CATALOGUE: readonly EventDef[] = [
  ...Object.values(defaultClient),
  ...Object.values(defaultServer),
  ...Object.values(portalServer),
  ...Object.values(widgetServer),
  ...Object.values(insightdesk).flatMap((group): EventDef[] => Object.values(group as Record<string, EventDef>)),
  ...Object.values(streamServer),
];
