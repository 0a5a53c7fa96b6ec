import type { Message, TriageRules } from '@switchboard/protocol';

import type { ReplyInput } from './ai-provider';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** What a model writes when the knowledge does not answer the question; never shown to a customer. */
export const HANDOFF_SENTINEL = 'HANDOFF';
const MAX_HISTORY = 20;

export function classifyMessages(text: string, rules: TriageRules): ChatMessage[] {
  const categories = [...rules.categories.map((c) => c.category), rules.defaultCategory];
  return [
    {
      role: 'system',
      content: [
        'Task: classify a customer support message.',
        'Answer with one JSON object and nothing else:',
        '{"priority": "low"|"medium"|"high"|"urgent", "sentiment": "positive"|"neutral"|"negative",',
        ` "category": one of ${JSON.stringify(categories)}, "language": ISO 639-1 code, "confidence": number from 0 to 1}`,
      ].join('\n'),
    },
    { role: 'user', content: text },
  ];
}

export function replyMessages(input: ReplyInput, task: 'reply' | 'draft'): ChatMessage[] {
  const knowledge = input.knowledge.length
    ? input.knowledge.map((k, i) => `[${i + 1}] ${k.item.title}\n${k.answer}`).join('\n\n')
    : '(none)';
  const lines = [
    task === 'reply'
      ? 'Task: reply. You are the support assistant of this company, writing to a customer in a chat.'
      : 'Task: draft. Write a reply a human support agent will review before sending.',
    "Answer the customer's last message using only the knowledge below. Be brief and friendly.",
    `If the knowledge does not answer it, write exactly ${HANDOFF_SENTINEL} and nothing else.`,
  ];
  if (input.language !== 'und') lines.push(`Write in the customer's language (${input.language}).`);
  lines.push('', 'Knowledge:', knowledge);
  const system = lines.join('\n');
  return [{ role: 'system', content: system }, ...input.history.slice(-MAX_HISTORY).flatMap(toChat)];
}

function toChat(m: Message): ChatMessage[] {
  if (m.role === 'USER') return [{ role: 'user', content: m.content }];
  if (m.role === 'ASSISTANT' || m.role === 'HUMAN_AGENT') return [{ role: 'assistant', content: m.content }];
  return [];
}

/**
 * A reply's confidence: the model's own token probabilities when the server
 * returns logprobs; otherwise a middling prior raised by how well the knowledge
 * covered the question. A refusal (the sentinel) is 0.
 */
export function replyConfidence(content: string, logprobs: readonly number[], retrievalCoverage: number): number {
  if (content.trim() === HANDOFF_SENTINEL || content.trim() === '') return 0;
  const raw = logprobs.length ? Math.exp(logprobs.reduce((a, b) => a + b, 0) / logprobs.length) : 0.5 + 0.5 * retrievalCoverage;
  return Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000;
}
