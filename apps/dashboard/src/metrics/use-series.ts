import { useCallback, useEffect, useState } from 'react';

import type { Point } from './Sparkline';

/** A rolling series of samples kept for `spanMs`; `push` adds one. */
export function useSeries(spanMs: number): [readonly Point[], (value: number, at?: number) => void] {
  const [points, setPoints] = useState<readonly Point[]>([]);
  const push = useCallback(
    (value: number, at = Date.now()) => setPoints((list) => [...list.filter((p) => p.at >= at - spanMs * 2), { at, value }]),
    [spanMs],
  );
  return [points, push];
}

/** The time, every `ms`: the charts' x axis moves even when nothing changes. */
export function useTicker(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
