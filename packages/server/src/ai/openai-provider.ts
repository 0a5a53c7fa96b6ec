import { Classification, TicketPriority } from '@switchboard/protocol';
import { z } from 'zod';

import { type AiProvider, type ClassifyInput, type Draft, ProviderError, type ReplyChunk, type ReplyInput } from './ai-provider';
import { type OpenAiHttpOptions, postChatCompletion, readJsonBody, readSseData } from './openai-http';
import { classifyMessages, HANDOFF_SENTINEL, replyConfidence, replyMessages } from './openai-prompts';

export interface OpenAiProviderOptions extends OpenAiHttpOptions {
  model: string;
}

const Logprobs = z
  .object({
    content: z
      .array(z.object({ logprob: z.number() }))
      .nullable()
      .optional(),
  })
  .nullable()
  .optional();
const Completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }), logprobs: Logprobs })).min(1),
});
const Chunk = z.object({
  choices: z.array(
    z.object({
      delta: z.object({ content: z.string().nullable().optional() }).optional(),
      finish_reason: z.string().nullable().optional(),
      logprobs: Logprobs,
    }),
  ),
});
const ModelClassification = z.object({
  priority: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(TicketPriority),
  sentiment: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(Classification.shape.sentiment),
  category: z.string().min(1).max(64),
  language: z
    .string()
    .min(2)
    .max(10)
    .transform((v) => v.toLowerCase()),
  confidence: z.number().min(0).max(1).default(0.7),
});

/**
 * Any server speaking OpenAI's `POST /v1/chat/completions`: OpenAI, Azure's
 * compatible endpoints, vLLM, Ollama, llama.cpp. Replies are streamed
 * (`stream: true`); classification and drafts are single answers.
 */
export class OpenAiProvider implements AiProvider {
  readonly name = 'openai' as const;

  constructor(private readonly opts: OpenAiProviderOptions) {}

  async classify(input: ClassifyInput): Promise<Required<Classification>> {
    const content = await this.complete(
      { messages: classifyMessages(input.text, input.rules), temperature: 0, response_format: { type: 'json_object' } },
      input.signal,
    );
    const parsed = ModelClassification.safeParse(parseJsonObject(content.text));
    if (!parsed.success) throw new ProviderError('invalid_response', 'the model did not answer with a classification');
    return parsed.data;
  }

  async draft(input: ReplyInput): Promise<Draft> {
    const { text, logprobs } = await this.complete(
      { messages: replyMessages(input, 'draft'), temperature: 0.2, logprobs: true },
      input.signal,
    );
    const confidence = replyConfidence(text, logprobs, input.knowledge[0]?.coverage ?? 0);
    return { content: text.trim() === HANDOFF_SENTINEL ? '' : text.trim(), confidence };
  }

  async *reply(input: ReplyInput): AsyncIterable<ReplyChunk> {
    const body = { model: this.opts.model, messages: replyMessages(input, 'reply'), temperature: 0.2, logprobs: true, stream: true };
    const open = await this.post(body, input.signal);
    const coverage = input.knowledge[0]?.coverage ?? 0;
    if (!(open.response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // A server that ignores `stream: true` answers in one piece; that is still an answer.
      const { text, logprobs } = completionOf(await readJsonBody(open));
      if (text.trim() !== HANDOFF_SENTINEL && text !== '') yield { type: 'token', text };
      yield { type: 'final', content: text.trim() === HANDOFF_SENTINEL ? '' : text, confidence: replyConfidence(text, logprobs, coverage) };
      return;
    }
    let content = '';
    let held = '';
    let finished = false;
    const logprobs: number[] = [];
    for await (const data of readSseData(open)) {
      if (data.trim() === '[DONE]') {
        finished = true;
        break;
      }
      const chunk = Chunk.safeParse(safeJson(data));
      if (!chunk.success) throw new ProviderError('invalid_response', 'the provider streamed a chunk that is not a completion');
      for (const choice of chunk.data.choices.slice(0, 1)) {
        for (const lp of choice.logprobs?.content ?? []) logprobs.push(lp.logprob);
        if (choice.finish_reason) finished = true;
        const piece = choice.delta?.content ?? '';
        if (!piece) continue;
        content += piece;
        // Hold text back while it could still be the handoff sentinel, so a refusal never reaches the customer.
        if (HANDOFF_SENTINEL.startsWith(content.trim())) {
          held += piece;
          continue;
        }
        const out = held + piece;
        held = '';
        yield { type: 'token', text: out };
      }
    }
    if (!finished) throw new ProviderError('invalid_response', 'the provider stream ended before the reply did');
    const refused = content.trim() === HANDOFF_SENTINEL;
    if (!refused && held) yield { type: 'token', text: held };
    yield { type: 'final', content: refused ? '' : content, confidence: replyConfidence(content, logprobs, coverage) };
  }

  private async complete(extra: Record<string, unknown>, signal: AbortSignal): Promise<{ text: string; logprobs: number[] }> {
    const open = await this.post({ model: this.opts.model, stream: false, ...extra }, signal);
    return completionOf(await readJsonBody(open));
  }

  /**
   * `response_format` and `logprobs` are optional extras some compatible servers refuse with a 400;
   * they are dropped once rather than failing every job (JSON is then parsed from prose, confidence
   * falls back to retrieval).
   */
  private async post(body: Record<string, unknown>, signal: AbortSignal) {
    try {
      return await postChatCompletion(this.opts, body, signal);
    } catch (err) {
      const optional = 'response_format' in body || 'logprobs' in body;
      if (!(err instanceof ProviderError && err.status === 400 && optional)) throw err;
      const { response_format: _format, logprobs: _logprobs, ...plain } = body;
      return postChatCompletion(this.opts, plain, signal);
    }
  }
}

function completionOf(json: unknown): { text: string; logprobs: number[] } {
  const parsed = Completion.safeParse(json);
  if (!parsed.success) throw new ProviderError('invalid_response', 'the provider answered with something that is not a completion');
  const choice = parsed.data.choices[0]!;
  return { text: choice.message.content ?? '', logprobs: (choice.logprobs?.content ?? []).map((c) => c.logprob) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Models wrap JSON in prose or code fences now and then; the first {...} is the answer. */
function parseJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? safeJson(text.slice(start, end + 1)) : undefined;
}
