import {
  type AiAgent,
  type AiSettings,
  type Conversation,
  type HandoffTrigger,
  type Message,
  streamServer as SSE,
} from '@switchboard/protocol';

import type { MessageService } from '../domain/message-service';
import type { JobContext } from '../jobs/job-queue';
import type { Db } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { MessagesRepo } from '../storage/repos/messages';
import { aiActor } from './ai-actor';
import { type AiProvider, ProviderError, type ReplyChunk } from './ai-provider';
import type { CreditService } from './credit-service';
import { KnowledgeRetriever } from './knowledge-retriever';
import type { ActionCosts } from './plan-costs';
import type { ReplyStreams } from './reply-streams';

export type ReplyOutcome =
  | { kind: 'sent'; message: Message }
  | { kind: 'handoff'; trigger: HandoffTrigger; replyId: string; detail?: string }
  /** A person took the conversation while the reply was being written. */
  | { kind: 'dropped' };

export interface ReplyRequest {
  job: JobContext<unknown>;
  agent: AiAgent;
  conversation: Conversation;
  message: Message;
  settings: AiSettings;
  costs: ActionCosts;
  language: string;
}

/**
 * An AI agent's answer: streamed token by token to the conversation's SSE
 * readers while it is written, then stored once through the ordinary message
 * path as an ASSISTANT message with confidence and latencyMs, and paid for.
 * The clientMessageId `ai:{jobId}` is also the SSE `replyId`, so a retried job
 * neither stores nor charges twice, and a widget can match the stream to the
 * stored message.
 */
export class AssistantReplies {
  constructor(
    private readonly deps: {
      db: Db;
      provider: AiProvider;
      retriever: KnowledgeRetriever;
      messages: MessageService;
      credits: CreditService;
      streams: ReplyStreams;
    },
  ) {}

  async write(r: ReplyRequest): Promise<ReplyOutcome> {
    const { accountId, id: conversationId } = r.conversation;
    const replyId = `ai:${r.job.id}`;
    const stored = await new MessagesRepo(this.deps.db).findByClientMessageId(accountId, conversationId, replyId);
    if (stored) {
      // Stored by an attempt that stopped before paying.
      await this.deps.credits.charge(accountId, 'reply', replyId, r.costs.reply);
      return { kind: 'sent', message: stored };
    }
    if ((await this.deps.credits.balance(accountId)) < r.costs.reply) return { kind: 'handoff', trigger: 'credits_exhausted', replyId };

    const history = await new MessagesRepo(this.deps.db).listBefore(accountId, conversationId, { limit: 20 });
    const knowledge = await this.deps.retriever.search(accountId, KnowledgeRetriever.queryTerms(history));
    const threshold = r.settings.handoff.confidenceThreshold;
    const startedAt = performance.now();
    const final = await this.stream(
      r,
      replyId,
      this.deps.provider.reply({ history, knowledge, language: r.language, minConfidence: threshold, signal: r.job.signal }),
    );
    const latencyMs = Math.round(performance.now() - startedAt);

    if (final.confidence < threshold || final.content.trim() === '') {
      return { kind: 'handoff', trigger: 'low_confidence', replyId, detail: `confidence ${final.confidence} below ${threshold}` };
    }
    const now = await new ConversationsRepo(this.deps.db).get(accountId, conversationId);
    if (!now || now.assigneeId || (now.status !== 'OPEN' && now.status !== 'PENDING')) {
      this.publish(accountId, conversationId, { event: SSE.handoff.name, data: { conversationId, replyId } });
      return { kind: 'dropped' };
    }
    const { message } = await this.deps.messages.send(aiActor(accountId, r.agent.id), {
      conversationId,
      content: final.content,
      contentType: 'text',
      role: 'ASSISTANT',
      clientMessageId: replyId,
      confidence: final.confidence,
      latencyMs,
    });
    await this.deps.credits.charge(accountId, 'reply', replyId, r.costs.reply);
    this.publish(accountId, conversationId, { event: SSE.done.name, data: { conversationId, replyId, message } });
    return { kind: 'sent', message };
  }

  /** Tells readers people take over, so a widget drops any partial reply and says so. */
  announceHandoff(accountId: string, conversationId: string, replyId: string | null): void {
    this.publish(accountId, conversationId, { event: SSE.handoff.name, data: { conversationId, replyId } });
  }

  private async stream(
    r: ReplyRequest,
    replyId: string,
    chunks: AsyncIterable<ReplyChunk>,
  ): Promise<Extract<ReplyChunk, { type: 'final' }>> {
    const { accountId, id: conversationId } = r.conversation;
    let index = 0;
    let final: Extract<ReplyChunk, { type: 'final' }> | null = null;
    try {
      for await (const chunk of chunks) {
        if (chunk.type === 'final') final = chunk;
        else
          this.publish(accountId, conversationId, {
            event: SSE.token.name,
            data: { conversationId, replyId, index: index++, token: chunk.text },
          });
      }
      if (!final) throw new ProviderError('invalid_response', 'the provider ended without a reply');
      return final;
    } catch (err) {
      const retrying = r.job.attempt < r.job.maxAttempts;
      this.publish(accountId, conversationId, {
        event: SSE.error.name,
        data: {
          conversationId,
          replyId,
          code: 'INTERNAL',
          message: retrying ? 'The assistant stumbled; trying again' : 'The assistant could not answer',
          retrying,
        },
      });
      throw err;
    }
  }

  private publish(accountId: string, conversationId: string, e: Parameters<ReplyStreams['publish']>[2]): void {
    this.deps.streams.publish(accountId, conversationId, e);
  }
}
