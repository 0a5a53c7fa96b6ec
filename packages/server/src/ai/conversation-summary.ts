import type { Classification, HandoffTrigger, Message } from '@switchboard/protocol';

const WHY: Record<HandoffTrigger, string> = {
  low_confidence: 'the AI was not confident enough to answer',
  human_requested: 'the customer asked for a person',
  negative_sentiment: 'the customer is unhappy',
  keyword: 'a handoff keyword came up',
  credits_exhausted: 'the AI credits ran out',
  ai_failure: 'the AI could not answer (provider failure)',
};

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * What the person taking over needs first: why, what the customer asked, what
 * they said last, and the triage. Extractive and local on purpose: a handoff
 * often happens because the provider failed, so it must not depend on one.
 */
export function summarizeForHandoff(input: {
  history: readonly Message[];
  trigger: HandoffTrigger;
  detail?: string | undefined;
  classification?: Classification | null | undefined;
}): string {
  const customer = input.history.filter((m) => m.role === 'USER');
  const ai = input.history.filter((m) => m.role === 'ASSISTANT').length;
  const parts = [`Handed off because ${WHY[input.trigger]}${input.detail ? ` (${input.detail})` : ''}.`];
  const first = customer[0];
  const last = customer[customer.length - 1];
  if (first) parts.push(`Customer asked: "${clip(first.content, 200)}".`);
  if (last && last !== first) parts.push(`Latest: "${clip(last.content, 200)}".`);
  const c = input.classification;
  if (c) parts.push(`Triage: ${c.category}, ${c.priority} priority, ${c.sentiment} sentiment, language ${c.language}.`);
  parts.push(`${customer.length} customer message${customer.length === 1 ? '' : 's'}, ${ai} AI repl${ai === 1 ? 'y' : 'ies'}.`);
  return parts.join(' ');
}
