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

/** Why the assistant handed a conversation to people, in words an agent reads at a glance (one per `HandoffTrigger`). */
export const HANDOFF_REASON: Record<string, string> = {
  low_confidence: 'the assistant was not confident enough',
  human_requested: 'the customer asked for a person',
  negative_sentiment: 'the customer sounds upset',
  keyword: 'the message matched a handoff keyword',
  credits_exhausted: 'the AI credits ran out',
  ai_failure: 'the assistant could not answer (an error)',
};

export function handoffText(trigger: string): string {
  return `Handed over: ${HANDOFF_REASON[trigger] ?? trigger.replace(/_/g, ' ')}`;
}

/** "Website chat" for `web`; channel types are short codes on the wire. */
export const CHANNEL_LABEL: Record<string, string> = {
  web: 'Website chat',
  whatsapp: 'WhatsApp',
  email: 'Email',
  sms: 'SMS',
  api: 'API',
};

export function channelLabel(channelType: string): string {
  return CHANNEL_LABEL[channelType] ?? channelType;
}
