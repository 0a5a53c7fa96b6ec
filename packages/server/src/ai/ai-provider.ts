import type { Classification, KnowledgeItem, Message, TriageRules } from '@switchboard/protocol';

/**
 * What Switchboard asks of a language model. Two implementations: the local one
 * (no network, the default) and any OpenAI-compatible chat-completions server.
 * Retrieval happens before a provider is called (see knowledge-retriever.ts), so
 * both answer from the same ranked knowledge.
 */
export interface AiProvider {
  readonly name: 'local' | 'openai';
  classify(input: ClassifyInput): Promise<Required<Classification>>;
  /** Tokens as they are written, then exactly one `final` chunk with the whole reply. */
  reply(input: ReplyInput): AsyncIterable<ReplyChunk>;
  /** A suggested reply for a person to edit, not streamed. */
  draft(input: ReplyInput): Promise<Draft>;
}

export interface ClassifyInput {
  text: string;
  rules: TriageRules;
  signal: AbortSignal;
}

export interface KnowledgeHit {
  item: KnowledgeItem;
  score: number;
  /** How much of the question the item speaks to, 0 to 1 (see Bm25Hit.coverage). */
  coverage: number;
  /** The text to answer with: a saved reply as written, or an article's best sentences. */
  answer: string;
}

export interface ReplyInput {
  /** Oldest first; the last USER message is the one being answered. */
  history: Message[];
  /** Best first. */
  knowledge: KnowledgeHit[];
  language: string;
  /** A provider that knows its confidence before writing skips writing below this. */
  minConfidence: number;
  signal: AbortSignal;
}

export type ReplyChunk = { type: 'token'; text: string } | { type: 'final'; content: string; confidence: number };

export interface Draft {
  content: string;
  confidence: number;
}

export type ProviderErrorKind = 'timeout' | 'unavailable' | 'rate_limited' | 'invalid_response' | 'rejected';

/** A provider that did not deliver: the job retries, then hands the conversation to people. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth another try at once: the server was busy or down, not wrong. */
  get transient(): boolean {
    return this.kind === 'timeout' || this.kind === 'unavailable' || this.kind === 'rate_limited';
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
