import type { Logger } from '../log';

/**
 * An error reporter for shared-state failures, which come in floods while Redis is away (every
 * typing event, every heartbeat): the first failure of a kind is logged at once, then one line per
 * `everyMs` with how many followed, so an outage costs a few log lines rather than thousands.
 */
export function quietErrors(log: Logger, everyMs = 10_000): (what: string) => (err: unknown) => void {
  const kinds = new Map<string, { last: number; suppressed: number }>();
  return (what) => (err) => {
    const now = Date.now();
    const k = kinds.get(what) ?? { last: 0, suppressed: 0 };
    kinds.set(what, k);
    if (now - k.last < everyMs) {
      k.suppressed++;
      return;
    }
    log.warn({ err, suppressed: k.suppressed }, what);
    k.last = now;
    k.suppressed = 0;
  };
}
