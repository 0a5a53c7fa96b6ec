import { z } from 'zod';

import { AiAgentStatus, ChannelType, TicketPriority } from './enums';
import { Id, IsoDate } from './ids';

/**
 * The AI side of a tenant, as its HTTP API reads and writes it (issue 6):
 * AI agents, triage rules, handoff rules, knowledge, credits and handoffs.
 * Socket.IO events about these facts are in the default catalogue
 * (`agent_status_changed`, `credits_updated`, `handoff_triggered`, `ai_*`).
 */

/** Why a conversation went from the AI to people. */
export const HandoffTrigger = z.enum([
  'low_confidence',
  'human_requested',
  'negative_sentiment',
  'keyword',
  'credits_exhausted',
  'ai_failure',
]);
export type HandoffTrigger = z.infer<typeof HandoffTrigger>;

/** Why a tenant's credit balance moved. */
export const CreditReason = z.enum(['classification', 'draft', 'reply', 'topup']);
export type CreditReason = z.infer<typeof CreditReason>;

/** A word or phrase matched against customer messages, whole words only, case-insensitively. */
const Phrase = z.string().trim().min(1).max(100);

/** Where a handed-off conversation goes: a team, one agent, or the tenant's shared queue. */
export const HandoffDestination = z.discriminatedUnion('type', [
  z.object({ type: z.literal('team'), id: Id }),
  z.object({ type: z.literal('agent'), id: Id }),
  z.object({ type: z.literal('queue') }),
]);
export type HandoffDestination = z.infer<typeof HandoffDestination>;

/** Which conversations an AI agent answers; an empty list means any. It never answers one a person is assigned to. */
export const AiRouting = z.object({
  channels: z.array(ChannelType).max(10).default([]),
  teamIds: z.array(Id).max(100).default([]),
});
export type AiRouting = z.infer<typeof AiRouting>;

export const AiAgent = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  status: AiAgentStatus,
  routing: AiRouting,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type AiAgent = z.infer<typeof AiAgent>;

export const CreateAiAgent = z.object({
  name: z.string().trim().min(1).max(100),
  status: AiAgentStatus.default('INACTIVE'),
  routing: AiRouting.default({ channels: [], teamIds: [] }),
});
export const UpdateAiAgent = z
  .object({ name: z.string().trim().min(1).max(100), status: AiAgentStatus, routing: AiRouting })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

/** Triage rules: the first priority rule with a matching keyword wins; the category with most matches wins. */
export const TriageRules = z.object({
  priorities: z.array(z.object({ priority: TicketPriority, keywords: z.array(Phrase).max(200) })).max(10),
  categories: z.array(z.object({ category: z.string().trim().min(1).max(64), keywords: z.array(Phrase).max(200) })).max(50),
  defaultPriority: TicketPriority,
  defaultCategory: z.string().trim().min(1).max(64),
});
export type TriageRules = z.infer<typeof TriageRules>;

export const HandoffRules = z.object({
  /** A reply whose confidence is below this goes to people instead of the customer. */
  confidenceThreshold: z.number().min(0).max(1),
  humanRequestPhrases: z.array(Phrase).max(100),
  /** Negative customer messages since the last handoff that hand off; 0 turns the rule off. */
  negativeSentimentCount: z.number().int().min(0).max(100),
  keywords: z.array(Phrase).max(200),
  /** Null: the tenant's shared queue. */
  destination: HandoffDestination.nullable(),
});
export type HandoffRules = z.infer<typeof HandoffRules>;

export const AiSettings = z.object({
  accountId: Id,
  /** Off by default: a tenant gets AI work only once an admin turns it on (and has credits). */
  enabled: z.boolean(),
  rules: TriageRules,
  handoff: HandoffRules,
  updatedAt: IsoDate.nullable(),
});
export type AiSettings = z.infer<typeof AiSettings>;

/** Each section given replaces that part of the stored settings; omitted sections stay. */
export const AiSettingsPatch = z
  .object({ enabled: z.boolean(), rules: TriageRules.partial(), handoff: HandoffRules.partial() })
  .partial()
  .strict();
export type AiSettingsPatch = z.infer<typeof AiSettingsPatch>;

/** Saved replies are sent as written; help articles are quoted by their best-matching sentences. */
export const KnowledgeKind = z.enum(['saved_reply', 'article']);
export type KnowledgeKind = z.infer<typeof KnowledgeKind>;

export const KnowledgeItem = z.object({
  id: Id,
  accountId: Id,
  kind: KnowledgeKind,
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type KnowledgeItem = z.infer<typeof KnowledgeItem>;

export const CreateKnowledgeItem = z.object({
  kind: KnowledgeKind,
  title: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(20_000),
  url: z.url().max(2_000).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
});
export const UpdateKnowledgeItem = CreateKnowledgeItem.partial().refine((v) => Object.keys(v).length > 0, 'nothing to change');

export const CreditLedgerEntry = z.object({
  id: Id,
  accountId: Id,
  delta: z.number().int(),
  reason: CreditReason,
  ref: z.string(),
  balanceAfter: z.number().int(),
  createdAt: IsoDate,
});
export type CreditLedgerEntry = z.infer<typeof CreditLedgerEntry>;

export const CreditTopup = z.object({
  amount: z.number().int().min(1).max(1_000_000_000),
  /** An idempotency key (a payment id): the same ref tops up once. */
  ref: z.string().trim().min(1).max(128).optional(),
});

export const Handoff = z.object({
  id: Id,
  accountId: Id,
  conversationId: Id,
  trigger: HandoffTrigger,
  destination: HandoffDestination,
  summary: z.string(),
  agentId: Id.nullable(),
  messageId: Id.nullable(),
  createdAt: IsoDate,
});
export type Handoff = z.infer<typeof Handoff>;
