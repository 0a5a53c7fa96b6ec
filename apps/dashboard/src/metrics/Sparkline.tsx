export interface Point {
  at: number;
  value: number;
}

/**
 * A small SVG time series: a line over a soft area, the latest value marked.
 * The window is at most `spanMs` wide and ends now, so a quiet metric still moves left as time passes.
 */
export function Sparkline(props: { points: readonly Point[]; label: string; spanMs: number; now: number; color?: string; max?: number }) {
  const width = 280;
  const height = 72;
  const pad = 4;
  const { points, spanMs, now } = props;
  const color = props.color ?? 'var(--accent)';
  // Headroom above the highest value, so the line never runs along the top edge.
  const max = Math.max(props.max ?? 0, 1, ...points.map((p) => p.value)) * 1.25;
  // The window starts at the first sample when there is less history than spanMs, so a page just
  // opened shows a line across, not a dot at the right edge.
  const from = Math.min(now - 1_000, Math.max(now - spanMs, points[0]?.at ?? now - spanMs));
  const x = (at: number) => pad + ((at - from) / (now - from)) * (width - 2 * pad);
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  const visible = points.filter((p) => p.at >= from);
  // Carry the value from before the window in, and the last value up to now, so steps read as steps.
  const before = [...points].reverse().find((p) => p.at < from);
  const series = [...(before ? [{ at: from, value: before.value }] : []), ...visible];
  const last = series[series.length - 1];
  if (last) series.push({ at: now, value: last.value });
  const line = series.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = series.length ? `${line} L${x(now).toFixed(1)},${height - pad} L${x(series[0]!.at).toFixed(1)},${height - pad} Z` : '';

  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${props.label}: ${last ? last.value : 'no data yet'}`}
    >
      <title>{props.label}</title>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} className="sparkline-axis" />
      {series.length > 0 && (
        <>
          <path d={area} fill={color} opacity={0.12} />
          <path d={line} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" />
          <circle cx={x(now)} cy={y(last!.value)} r={3.5} fill={color} />
        </>
      )}
    </svg>
  );
}
