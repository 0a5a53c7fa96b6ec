function finiteSorted(values: ReadonlyArray<number | null | undefined>): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
}

/** Median of the finite values (mean of the middle two for an even count); null when there are none. */
export function median(values: ReadonlyArray<number | null | undefined>): number | null {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (0-100) of the finite values; null when there are none. */
export function percentile(values: ReadonlyArray<number | null | undefined>, p: number): number | null {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** numerator / denominator, or null when either is missing or the denominator is zero. */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator == null || denominator == null || denominator === 0) return null;
  return numerator / denominator;
}
