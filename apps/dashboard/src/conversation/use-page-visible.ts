import { useSyncExternalStore } from 'react';

/** Whether this tab is on screen: read receipts are only sent while it is (RT-07). */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    (notify) => {
      document.addEventListener('visibilitychange', notify);
      return () => document.removeEventListener('visibilitychange', notify);
    },
    () => document.visibilityState === 'visible',
  );
}
