/** The few browser globals the SDK reads, typed here so it compiles (and runs) without the DOM. */
interface BrowserGlobals {
  location?: { origin: string };
  addEventListener?: (type: string, fn: () => void) => void;
  removeEventListener?: (type: string, fn: () => void) => void;
}

const g = globalThis as BrowserGlobals;

/** The page's origin, or undefined outside a browser. */
export function pageOrigin(): string | undefined {
  return g.location?.origin;
}

/** Calls `fn` when the browser says the network is back; returns the unsubscribe. */
export function onBrowserOnline(fn: () => void): () => void {
  if (typeof g.addEventListener !== 'function') return () => undefined;
  g.addEventListener('online', fn);
  return () => g.removeEventListener?.('online', fn);
}
