import type { Config } from '../config';
import type { ConversationService } from '../domain/conversation-service';
import type { LoggedEvent } from '../domain/domain-event';
import type { MessageService } from '../domain/message-service';
import type { Publisher } from '../domain/publisher';
import { BullJobQueue } from '../jobs/bull-job-queue';
import { DbJobQueue } from '../jobs/db-job-queue';
import type { JobQueue, JobQueueOptions } from '../jobs/job-queue';
import type { Logger } from '../log';
import type { Metrics } from '../ops/metrics';
import type { Db } from '../storage/db';
import { AiAgentService } from './ai-agent-service';
import type { AiProvider } from './ai-provider';
import { AiSettingsService } from './ai-settings-service';
import { AssistantReplies } from './assistant-replies';
import { CreditService } from './credit-service';
import { HandoffService } from './handoff-service';
import { KnowledgeRetriever } from './knowledge-retriever';
import { KnowledgeService } from './knowledge-service';
import { LocalProvider } from './local-provider';
import { OpenAiProvider } from './openai-provider';
import { RedisReplyStreams } from './redis-reply-streams';
import { MemoryReplyStreams, type ReplyStreams } from './reply-streams';
import { TRIAGE_JOB, triageJobId, TriageService } from './triage-service';

/** The AI side of Switchboard, as services.ai. */
export interface Ai {
  provider: AiProvider;
  settings: AiSettingsService;
  agents: AiAgentService;
  knowledge: KnowledgeService;
  credits: CreditService;
  handoffs: HandoffService;
  triage: TriageService;
  streams: ReplyStreams;
  queue: JobQueue;
  /** Stops taking jobs, ends open SSE streams, lets running jobs finish briefly. */
  close(): Promise<void>;
}

export interface AiDeps {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** The broadcaster: where AI facts go, and where customer messages come from. */
  publisher: Publisher & { onPublished(listener: (e: LoggedEvent) => void): () => void };
  conversations: ConversationService;
  messages: MessageService;
}

/**
 * Builds the AI services and hooks triage onto the message flow without the
 * message service knowing: every stored customer message of a tenant with AI
 * on becomes a job. The message is stored and delivered whatever AI does.
 */
export async function createAi(deps: AiDeps): Promise<Ai> {
  const { config, db, log, publisher } = deps;
  const onError = (err: unknown, context: string) => log.error({ err, context }, 'AI work failed');
  const provider: AiProvider =
    config.AI_PROVIDER === 'openai'
      ? new OpenAiProvider({
          baseUrl: config.AI_BASE_URL,
          apiKey: config.AI_API_KEY,
          model: config.AI_MODEL,
          timeoutMs: config.AI_TIMEOUT_MS,
          retries: config.AI_RETRIES,
        })
      : new LocalProvider({ tokenDelayMs: config.AI_LOCAL_TOKEN_DELAY_MS });

  let streams: ReplyStreams = new MemoryReplyStreams();
  if (config.REDIS_URL) streams = await RedisReplyStreams.open(config.REDIS_URL, config.REDIS_PREFIX, log);

  const queueOptions: JobQueueOptions = {
    attempts: config.AI_JOB_ATTEMPTS,
    backoffMs: config.AI_JOB_BACKOFF_MS,
    timeoutMs: config.AI_JOB_TIMEOUT_MS,
    concurrency: config.AI_JOB_CONCURRENCY,
    closeGraceMs: 2_000,
    observe: ({ kind, outcome, seconds }) => {
      deps.metrics.aiJobSeconds.observe({ kind, outcome }, seconds);
      deps.metrics.aiJobs.inc({ kind, outcome });
    },
    onError,
  };
  const queue: JobQueue = config.REDIS_URL
    ? new BullJobQueue({ ...queueOptions, redisUrl: config.REDIS_URL, name: config.AI_QUEUE_NAME, prefix: config.REDIS_PREFIX })
    : new DbJobQueue(db, { ...queueOptions, pollMs: config.AI_JOB_POLL_MS });

  const retriever = new KnowledgeRetriever(db);
  const settings = new AiSettingsService(db);
  const agents = new AiAgentService(db, publisher);
  const credits = new CreditService(db, publisher, {
    defaults: { classification: config.AI_COST_CLASSIFICATION, draft: config.AI_COST_DRAFT, reply: config.AI_COST_REPLY },
    plans: config.AI_PLAN_COSTS,
  });
  const handoffs = new HandoffService(db, deps.conversations);
  const replies = new AssistantReplies({ db, provider, retriever, messages: deps.messages, credits, streams });
  const triage = new TriageService({ db, publisher, provider, settings, agents, credits, handoffs, retriever, replies });
  queue.handle(TRIAGE_JOB, triage);

  const enqueuing = new Set<Promise<void>>();
  const stopListening = publisher.onPublished((e) => {
    if (e.type !== 'message.created' || e.message.role !== 'USER') return;
    const { accountId, message } = e;
    const work = (async () => {
      if (!(await settings.getRecent(accountId)).enabled) return;
      await queue.enqueue(TRIAGE_JOB, triageJobId(message.id), {
        accountId,
        conversationId: message.conversationId,
        messageId: message.id,
      });
    })()
      .catch((err) => onError(err, 'enqueue triage'))
      .finally(() => enqueuing.delete(work));
    enqueuing.add(work);
  });
  await queue.start();

  return {
    provider,
    settings,
    agents,
    knowledge: new KnowledgeService(db, retriever),
    credits,
    handoffs,
    triage,
    streams,
    queue,
    async close() {
      stopListening();
      await Promise.allSettled([...enqueuing]);
      // Jobs first: a reply being written still reaches its readers before their streams end.
      await queue.close();
      await streams.close();
    },
  };
}
