/** Formatting of figures for the tables; every function takes null as "n/a". */

export const na = 'n/a';

export function formatCount(value: number | null): string {
  if (value == null || !Number.isFinite(value)) return na;
  return Math.round(value).toLocaleString('en-US');
}

export function formatBytes(value: number | null): string {
  if (value == null || !Number.isFinite(value)) return na;
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

export function formatPercent(value: number | null): string {
  return value == null || !Number.isFinite(value) ? na : `${value.toFixed(0)}%`;
}

export function formatMs(value: number | null): string {
  if (value == null || !Number.isFinite(value)) return na;
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function formatRatio(value: number | null): string {
  return value == null || !Number.isFinite(value) ? na : `${value.toFixed(2)}×`;
}
