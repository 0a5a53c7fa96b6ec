import { createContext, useContext, useSyncExternalStore } from 'react';

import type { PeopleDirectory, Person } from '../people/people-directory';
import type { Session } from '../session/session-store';

export interface ShellServices {
  session: Session;
  people: PeopleDirectory;
}

export const ShellContext = createContext<ShellServices | null>(null);

export function useShell(): ShellServices {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('useShell outside <Shell>');
  return shell;
}

export function usePeople(): readonly Person[] {
  const { people } = useShell();
  return useSyncExternalStore(people.subscribe, people.getSnapshot);
}
