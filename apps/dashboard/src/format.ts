/** "14:05" today, "Mon 14:05" this week, "3 Mar" before. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export const STATUS_LABEL = { OPEN: 'Open', PENDING: 'Pending', HANDED_OFF: 'Handed off', RESOLVED: 'Resolved' } as const;
