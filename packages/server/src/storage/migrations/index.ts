import { migration001Initial } from './001_initial';
import { migration002Ai } from './002_ai';
import { migration003EventChain } from './003_event_chain';
import { migration007Inbox } from './007_inbox';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration, in the order it is applied. Append only; never edit one that has shipped. */
export const migrations: readonly Migration[] = [migration001Initial, migration002Ai, migration003EventChain, migration007Inbox];
