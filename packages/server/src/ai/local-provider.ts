import type { Classification } from '@switchboard/protocol';

import { type AiProvider, type ClassifyInput, type Draft, pause, type ReplyChunk, type ReplyInput } from './ai-provider';
import { classifyByRules } from './rules';
import { analyse } from './text-analysis';

/** Below this coverage a knowledge item is no answer at all, not even as a draft. */
const MIN_DRAFT_COVERAGE = 0.2;
const HOLDING_DRAFT = 'Thanks for reaching out! I am looking into this and will get back to you shortly.';

/**
 * The built-in provider: no network, no model weights. Sentiment comes from
 * wink-nlp's English model, priority and category from the tenant's keyword
 * rules, and replies are the tenant's own knowledge ranked by BM25, with the
 * share of the question they cover as confidence.
 */
export class LocalProvider implements AiProvider {
  readonly name = 'local' as const;

  constructor(private readonly opts: { tokenDelayMs: number } = { tokenDelayMs: 0 }) {}

  async classify(input: ClassifyInput): Promise<Required<Classification>> {
    return classifyByRules(analyse(input.text), input.rules);
  }

  async draft(input: ReplyInput): Promise<Draft> {
    const best = input.knowledge[0];
    if (best && best.coverage >= MIN_DRAFT_COVERAGE) return { content: best.answer, confidence: round(best.coverage) };
    return { content: HOLDING_DRAFT, confidence: 0.1 };
  }

  async *reply(input: ReplyInput): AsyncIterable<ReplyChunk> {
    const best = input.knowledge[0];
    const confidence = round(best?.coverage ?? 0);
    // The confidence is known before writing: below the bar nothing is streamed that would be taken back.
    if (!best || confidence < input.minConfidence) {
      yield { type: 'final', content: best?.answer ?? '', confidence };
      return;
    }
    for (const token of best.answer.match(/\s*\S+/g) ?? []) {
      if (input.signal.aborted) throw input.signal.reason;
      yield { type: 'token', text: token };
      if (this.opts.tokenDelayMs > 0) await pause(this.opts.tokenDelayMs, input.signal);
    }
    yield { type: 'final', content: best.answer, confidence };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
