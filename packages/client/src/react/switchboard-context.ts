import { createContext, createElement, type ReactNode, useContext } from 'react';

import type { SwitchboardClient } from '../switchboard-client';

const SwitchboardContext = createContext<SwitchboardClient | null>(null);

/**
 * Makes a client available to the hooks below. Pass `null` while logged out:
 * every hook then idles instead of throwing, so a tree can render before login.
 *
 * @example
 * <SwitchboardProvider client={client}><App /></SwitchboardProvider>
 */
export function SwitchboardProvider(props: { client: SwitchboardClient | null; children?: ReactNode }): ReactNode {
  return createElement(SwitchboardContext.Provider, { value: props.client }, props.children);
}

/** The provider's client, or null when there is none (logged out). */
export function useSwitchboardClient(): SwitchboardClient | null {
  return useContext(SwitchboardContext);
}
