import {
  type AiAgent,
  type AiSettings,
  type Classification,
  type Conversation,
  type HandoffTrigger,
  Id,
  type Message,
} from '@switchboard/protocol';
import { z } from 'zod';

import type { DomainEvent } from '../domain/domain-event';
import { logEvents } from '../domain/event-log';
import { labelFromCategory } from '../domain/label-service';
import type { Publisher } from '../domain/publisher';
import type { JobContext, JobHandler } from '../jobs/job-queue';
import type { Db, Queryable } from '../storage/db';
import { ClassificationsRepo } from '../storage/repos/classifications';
import { ConversationsRepo } from '../storage/repos/conversations';
import { CreditLedgerRepo } from '../storage/repos/credit-ledger';
import { MessagesRepo } from '../storage/repos/messages';
import type { AiAgentService } from './ai-agent-service';
import type { AiProvider } from './ai-provider';
import type { AiSettingsService } from './ai-settings-service';
import type { AssistantReplies } from './assistant-replies';
import type { CreditService } from './credit-service';
import type { HandoffService } from './handoff-service';
import { KnowledgeRetriever } from './knowledge-retriever';
import type { ActionCosts } from './plan-costs';
import { handoffBeforeReply } from './rules';
import { analyse } from './text-analysis';

export const TRIAGE_JOB = 'ai.triage';
export const TriageJobData = z.object({ accountId: Id, conversationId: Id, messageId: Id });
export type TriageJobData = z.infer<typeof TriageJobData>;

/** One job per customer message; the id makes a repeated enqueue a no-op. */
export const triageJobId = (messageId: string) => `triage-${messageId}`;

export interface TriageDeps {
  db: Db;
  publisher: Publisher;
  provider: AiProvider;
  settings: AiSettingsService;
  agents: AiAgentService;
  credits: CreditService;
  handoffs: HandoffService;
  retriever: KnowledgeRetriever;
  replies: AssistantReplies;
}

interface Work {
  job: JobContext<unknown>;
  data: TriageJobData;
  settings: AiSettings;
  conversation: Conversation;
  message: Message;
  costs: ActionCosts;
}

/**
 * What happens after a customer message is stored (the new-message flow's
 * steps 5 to 10, and the AI agents): `ai_processing_started`, classification
 * (stored on the message and the conversation, `ai_classification`), a draft to
 * the assignee, and, when an AI agent answers the conversation, either a
 * handoff or a streamed reply; then `ai_processing_completed`.
 *
 * Each step can run again when the job is retried and does its work once: the
 * classification is stored per message, charges name what they pay for, the
 * reply is stored under a clientMessageId derived from the job, and a
 * conversation already handed off is not handed off again.
 */
export class TriageService implements JobHandler<unknown> {
  constructor(private readonly deps: TriageDeps) {}

  async run(job: JobContext<unknown>): Promise<void> {
    const work = await this.load(job);
    if (!work) return;
    const { data } = work;
    const agent = await this.deps.agents.handling(work.conversation);
    // No credits, no AI work and no charge; a conversation an AI agent was answering goes to people.
    if ((await this.deps.credits.balance(data.accountId)) <= 0) {
      if (agent) await this.handOff(work, agent, 'credits_exhausted', null);
      return;
    }
    if (job.attempt === 1) await this.raise([{ type: 'ai.processing_started', ...data }]);
    const classification = await this.classify(work);
    if (work.conversation.assigneeId) await this.draft(work, work.conversation.assigneeId);
    if (agent) await this.answer(work, agent, classification);
    await this.completed(work, true);
  }

  /** After the last attempt: say so, and never leave a customer of an AI agent waiting for an answer that will not come. */
  async failed(job: JobContext<unknown>, err: unknown): Promise<void> {
    const work = await this.load(job);
    if (!work) return;
    await this.completed(work, false);
    const agent = await this.deps.agents.handling(work.conversation);
    const detail = err instanceof Error ? err.message.slice(0, 120) : undefined;
    if (agent) await this.handOff(work, agent, 'ai_failure', null, detail);
  }

  private async load(job: JobContext<unknown>): Promise<Work | null> {
    const parsed = TriageJobData.safeParse(job.data);
    if (!parsed.success) return null;
    const data = parsed.data;
    const settings = await this.deps.settings.get(data.accountId);
    if (!settings.enabled) return null;
    const conversation = await new ConversationsRepo(this.deps.db).get(data.accountId, data.conversationId);
    const message = await new MessagesRepo(this.deps.db).get(data.accountId, data.messageId);
    if (!conversation || !message || message.role !== 'USER' || message.conversationId !== conversation.id) return null;
    return { job, data, settings, conversation, message, costs: await this.deps.credits.costs(data.accountId) };
  }

  private async classify(w: Work): Promise<Classification | null> {
    const { accountId, conversationId, messageId } = w.data;
    const stored = await new ClassificationsRepo(this.deps.db).get(accountId, messageId);
    if (stored) return stored;
    if ((await this.deps.credits.balance(accountId)) < w.costs.classification) return null;
    const result = await this.deps.provider.classify({ text: w.message.content, rules: w.settings.rules, signal: w.job.signal });
    await this.raiseIn(async (tx) => {
      const created = await new ClassificationsRepo(tx).insertIfAbsent({
        accountId,
        conversationId,
        messageId,
        provider: this.deps.provider.name,
        classification: result,
      });
      const conversation = created ? await new ConversationsRepo(tx).setClassification(accountId, conversationId, result) : null;
      if (!conversation) return [];
      w.conversation = conversation;
      // The category as a label (issue 16), except the catch-all one every unmatched message gets.
      const labelled =
        result.category === w.settings.rules.defaultCategory ? [] : await labelFromCategory(tx, accountId, conversationId, result.category);
      return [
        { type: 'conversation.classified', accountId, conversation, messageId, classification: result },
        ...labelled,
        ...(await this.deps.credits.chargeIn(tx, accountId, 'classification', messageId, w.costs.classification)),
      ];
    });
    return result;
  }

  private async draft(w: Work, assigneeId: string): Promise<void> {
    const { accountId, conversationId, messageId } = w.data;
    const cost = w.costs.draft;
    if (cost > 0 && (await new CreditLedgerRepo(this.deps.db).findByRef(accountId, `draft:${messageId}`))) return;
    if ((await this.deps.credits.balance(accountId)) < cost) return;
    const history = await new MessagesRepo(this.deps.db).listBefore(accountId, conversationId, { limit: 20 });
    const knowledge = await this.deps.retriever.search(accountId, KnowledgeRetriever.queryTerms(history));
    const language = w.conversation.classification?.language ?? analyse(w.message.content).language;
    const draft = await this.deps.provider.draft({ history, knowledge, language, minConfidence: 0, signal: w.job.signal });
    if (!draft.content.trim()) return;
    await this.raiseIn(async (tx) => [
      { type: 'ai.draft', accountId, conversationId, messageId, assigneeId, content: draft.content, confidence: draft.confidence },
      ...(await this.deps.credits.chargeIn(tx, accountId, 'draft', messageId, cost)),
    ]);
  }

  /** The AI agent's turn: hand off when the rules say so before any reply, else reply (which may hand off itself). */
  private async answer(w: Work, agent: AiAgent, classification: Classification | null): Promise<void> {
    const { accountId, conversationId } = w.data;
    const text = analyse(w.message.content);
    let negative = 0;
    if (classification?.sentiment === 'negative') {
      const [last] = await this.deps.handoffs.lastFor(accountId, conversationId);
      negative = await new ClassificationsRepo(this.deps.db).countNegative(accountId, conversationId, last?.createdAt ?? null);
    }
    const decision = handoffBeforeReply(text, negative, w.settings.handoff);
    if (decision) {
      await this.handOff(w, agent, decision.trigger, null, decision.detail, classification);
      return;
    }
    const outcome = await this.deps.replies.write({
      job: w.job,
      agent,
      conversation: w.conversation,
      message: w.message,
      settings: w.settings,
      costs: w.costs,
      language: classification?.language ?? text.language,
    });
    if (outcome.kind === 'handoff') await this.handOff(w, agent, outcome.trigger, outcome.replyId, outcome.detail, classification);
  }

  private async handOff(
    w: Work,
    agent: AiAgent,
    trigger: HandoffTrigger,
    replyId: string | null,
    detail?: string,
    classification?: Classification | null,
  ): Promise<void> {
    const handoff = await this.deps.handoffs.handOff({
      accountId: w.data.accountId,
      conversationId: w.data.conversationId,
      trigger,
      agentId: agent.id,
      messageId: w.data.messageId,
      destination: w.settings.handoff.destination,
      classification: classification ?? null,
      ...(detail ? { detail } : {}),
    });
    if (handoff) this.deps.replies.announceHandoff(w.data.accountId, w.data.conversationId, replyId);
  }

  private completed(w: Work, ok: boolean): Promise<void> {
    // From the moment the message was stored: what the customer and agents actually waited.
    const durationMs = Math.max(0, Date.now() - Date.parse(w.message.createdAt));
    return this.raise([{ type: 'ai.processing_completed', ...w.data, ok, durationMs }]);
  }

  private raise(events: DomainEvent[]): Promise<void> {
    return this.raiseIn(async () => events);
  }

  private async raiseIn(build: (tx: Queryable) => Promise<DomainEvent[]>): Promise<void> {
    const logged = await this.deps.db.transaction(async (tx) => logEvents(tx, await build(tx)));
    logged.forEach((e) => this.deps.publisher.publish(e));
  }
}
