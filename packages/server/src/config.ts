import { Dialect } from '@switchboard/protocol';
import { z } from 'zod';

import { PlanCostsFromEnv } from './ai/plan-costs';
import { ConfigError, configProblems, EXPECTED } from './config-problems';
import { SlaPolicyFromEnv } from './domain/sla-policy';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number) => z.coerce.number().int().min(0).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v : undefined));

/**
 * Every setting Switchboard reads, parsed once at start. A bad value stops the
 * process with the variable's name rather than surfacing later as odd behaviour.
 */
export const ConfigSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default('0.0.0.0'),
  JWT_SECRET: optionalString,
  JWT_PUBLIC_KEY: optionalString,
  /** RS256/ES256 keys from an identity provider's JWKS, cached and refetched on an unknown `kid` (key rotation). */
  JWT_JWKS_URL: optionalString,
  /** Shortest pause between two JWKS fetches (jose's cooldown). */
  JWT_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  /** Longest a fetched JWKS is used before it is fetched again. */
  JWT_JWKS_CACHE_MS: z.coerce.number().int().min(1_000).default(600_000),
  /** Claims under this prefix count as the plain names (`https://acme.com/` for Auth0, `custom:` for Cognito): docs/auth.md. */
  JWT_CLAIM_PREFIX: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  INTERNAL_API_KEY: optionalString,
  DATABASE_URL: optionalString,
  DATA_DIR: z.string().default('./data'),
  /** Where attachments' bytes go (issue 16): files under DATA_DIR/attachments, or memory (lost on restart; tests). */
  ATTACHMENT_STORE: z.enum(['disk', 'memory']).default('disk'),
  REDIS_URL: optionalString,
  AMQP_URL: optionalString,
  /** RabbitMQ bridge (bridges/): deliveries a queue's consumer holds unacknowledged at once. */
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1_000).default(16),
  /** Queue names (the portal's bridge); each gets a durable dead-letter queue `<name>.dlq`. */
  AMQP_INBOUND_QUEUE: z.string().min(1).max(200).default('INBOUND_WHATSAPP_MESSAGES'),
  AMQP_STATUS_QUEUE: z.string().min(1).max(200).default('WHATSAPP_STATUS_UPDATES'),
  /** First pause before a delivery that failed for a passing reason (database down) is requeued; doubles per consecutive failure, up to 30 s. */
  AMQP_RETRY_DELAY_MS: z.coerce.number().int().min(10).default(1_000),
  /** Pauses between the bridge's attempts to reach a lost broker, ms, comma-separated; the last one repeats. */
  AMQP_RECONNECT_DELAYS_MS: z
    .string()
    .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'comma-separated milliseconds')
    .default('1000,2000,5000')
    .transform((v) => v.split(',').map((ms) => Math.max(10, Number(ms)))),
  CORS_ORIGINS: optionalString,
  LATE_AUTH_MS: int(0),
  DEFAULT_DIALECT: Dialect.exclude(['widget']).default('default'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest Socket.IO packet accepted, in bytes. */
  MAX_PAYLOAD_BYTES: int(64 * 1024),
  /** How long before `exp` the server sends `token:refresh`. */
  TOKEN_REFRESH_LEAD_MS: int(60_000),
  /** Points a socket earns per window, a message send costing 1 (transport/write-costs.ts); a user earns 3x. */
  RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(10),
  /** Points a tenant earns per window over all its users (default: 10x RATE_LIMIT_POINTS). */
  RATE_LIMIT_TENANT_POINTS: z.coerce.number().int().min(1).optional(),
  /** Replay (`sync`, `auth.lastSeq`): events read from the log per page, and at most per `sync` (then `hasMore`). */
  REPLAY_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
  REPLAY_MAX_PER_SYNC: z.coerce.number().int().min(1).default(1_000),
  /** A client more than a page and more than this many visible events behind is told to resync over HTTP (`resync_required`). */
  REPLAY_RESYNC_THRESHOLD: z.coerce.number().int().min(1).default(5_000),
  /** Events replayed per socket per RATE_LIMIT_WINDOW_S (a user gets twice that across its sockets). */
  REPLAY_BUDGET_EVENTS: z.coerce.number().int().min(1).default(3_000),
  /** Open SSE streams (`GET /api/conversations/:id/stream`) per user on one node; more is 429 RATE_LIMITED. */
  SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).default(5),
  TYPING_TIMEOUT_MS: int(5_000),
  DEMO: bool.optional(),
  /** Worker processes on this machine (node's cluster module, sticky sessions); more than 1 needs DATABASE_URL. */
  WORKERS: z.coerce.number().int().min(1).max(256).default(1),
  /**
   * Where cluster workers collect garbage: `auto` on their main thread only when they have one core each or less,
   * `single-threaded` or `concurrent` always. A single process takes node's `--single-threaded-gc` itself, and is
   * told at start when it would help (ops/gc-threads.ts).
   */
  GC_MODE: z.enum(['auto', 'single-threaded', 'concurrent']).default('auto'),
  /** PostgreSQL connections per process (DATABASE_URL); raise with the message rate (docs/deploy.md). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /**
   * Embedded PostgreSQL's buffer cache. PGlite touches all of it at start: 128MB (PostgreSQL's default) made
   * ~110 MB of the resident memory of an idle server; 32MB holds a small help desk's working set (docs/decisions.md).
   */
  PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/)
    .default('32MB'),
  /**
   * The vacuum job (storage/db-vacuum.ts): seconds between its passes over the tables' statistics; 0: never.
   * PGlite has no autovacuum: without it dead row versions pile up and transaction ids are never frozen.
   */
  DB_VACUUM_INTERVAL_S: int(60),
  /** A table (or database template, at the embedded engine's start) older than this many transactions is frozen. */
  DB_VACUUM_FREEZE_AGE: z.coerce.number().int().min(1_000).max(1_500_000_000).default(100_000_000),
  /** Run the vacuum job on PostgreSQL too (off: autovacuum is PostgreSQL's, docs/deploy.md). */
  DB_VACUUM_ON_POSTGRES: bool.default(false),
  /**
   * On the embedded engine a due pass waits (up to four intervals) while the event loop was busier than this
   * share of the time: a pass runs on the event loop. 1: never waits.
   */
  DB_VACUUM_BUSY_UTILIZATION: z.coerce.number().min(0).max(1).default(0.3),
  /** Prefix of every Redis key and channel, so clusters (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().min(1).default('switchboard'),
  /** Socket.IO adapter with REDIS_URL: sharded pub/sub or streams (docs/decisions.md has the measurements). */
  REDIS_ADAPTER: z.enum(['sharded', 'streams']).default('sharded'),
  /** In a cluster, how often each node reads the event log for events no relay brought it. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(20).default(250),
  /** Events younger than this are left to the relay by the tailer. */
  OUTBOX_MIN_AGE_MS: int(250),
  /** How long after it is written an event is still looked for by the tailer. */
  OUTBOX_HORIZON_MS: z.coerce.number().int().min(1_000).default(10_000),
  /** Write pipeline flushes in flight at once (docs/decisions.md, "Ingest on PostgreSQL"); 0: the engine's default (2 on PostgreSQL, 1 on PGlite). */
  WRITE_FLUSHES_IN_FLIGHT: int(0),
  /**
   * Which sends a write pipeline flush that starts while another runs may take: `disjoint`, only sends to
   * conversations no running flush holds (docs/decisions.md, "PostgreSQL stalls at 1,000 msg/s: the
   * overlap rule"); `any`, the oldest waiting (the rule before, kept for A/B runs).
   */
  WRITE_OVERLAP: z.enum(['disjoint', 'any']).default('disjoint'),
  /** Sends waiting before a second write pipeline flush may start while one runs; 0: the default (64). */
  WRITE_OVERLAP_AT: int(0),
  /**
   * Under sustained load, how long after a write pipeline flush ends the next may wait for more sends,
   * ms; unset: the engine's default (5 on PGlite, 0 on PostgreSQL); 0: never. An idle pipeline flushes
   * at once whatever it is (docs/decisions.md, "Embedded CPU per message").
   */
  WRITE_LINGER_MS: z.coerce.number().int().min(0).max(50).optional(),
  /** A write pipeline flush slower than this (ms, from its oldest send's arrival to its publish) is logged at warn with its phases; 0: never. */
  WRITE_SLOW_FLUSH_MS: int(1_000),
  /** Fault injection for tests only: a pause between a write pipeline flush's commit and its answers and broadcasts (0: none). */
  WRITE_ACK_DELAY_MS: int(0),
  /** A connection not refreshed for this long counts as gone (its node died); refreshed every third of it. */
  PRESENCE_TTL_MS: z.coerce.number().int().min(300).default(30_000),
  /** Admission control (transport/admission-gate.ts): handshakes in flight before the next is told to come back; 0: no cap. */
  ADMISSION_MAX_PENDING: int(256),
  /** Admission control: event-loop delay (ms) above which handshakes are told to come back; 0: not checked. */
  ADMISSION_MAX_LAG_MS: int(1_000),
  /** A user whose last connection closed is announced offline only after this long without a new one. */
  PRESENCE_GRACE_MS: int(3_000),
  /** Presence changes of a tenant within this window go out as one net change per user (or none). */
  PRESENCE_COALESCE_MS: int(250),
  /** SLA durations per priority, as JSON overriding the defaults of domain/sla-policy.ts. */
  SLA_POLICY: SlaPolicyFromEnv,
  /** Share of an SLA clock's span after which `ticket:sla:warning` fires (0.75: with a quarter left). */
  SLA_WARNING_RATIO: z.coerce.number().gt(0).lt(1).default(0.75),
  /** Longest the SLA scheduler sleeps between looks at the timer table (timers armed by other nodes). */
  SLA_POLL_MS: z.coerce.number().int().min(250).default(5_000),
  /** `/dashboard` metrics go out at most once per this many ms per tenant. */
  METRICS_THROTTLE_MS: int(1_000),
  /** AI (issue 6): `local` needs no network; `openai` speaks any OpenAI-compatible /chat/completions. */
  AI_PROVIDER: z.enum(['local', 'openai']).default('local'),
  /** Base URL up to and including `/v1`. */
  AI_BASE_URL: z.string().url().default('https://api.openai.com/v1'),
  AI_API_KEY: optionalString,
  AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Per provider request; for a streamed reply, the longest wait for the next chunk. */
  AI_TIMEOUT_MS: z.coerce.number().int().min(1).default(15_000),
  /** Provider-level retries on 429, 5xx, timeouts and network errors, before any token was streamed. */
  AI_RETRIES: int(2),
  /** Pause between streamed tokens of the local provider (0: as fast as they are made). */
  AI_LOCAL_TOKEN_DELAY_MS: int(0),
  AI_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** First retry delay of an AI job; doubles with each attempt. */
  AI_JOB_BACKOFF_MS: int(1_000),
  AI_JOB_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  AI_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** How often the embedded job queue looks for due jobs nobody announced (other nodes, retries after a restart). */
  AI_JOB_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** BullMQ queue name (with REDIS_URL): deployments sharing one Redis need different names. */
  AI_QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('switchboard-ai'),
  /** Credits per AI action unless the tenant's plan says otherwise (AI_PLAN_COSTS). */
  AI_COST_CLASSIFICATION: int(1),
  AI_COST_DRAFT: int(1),
  AI_COST_REPLY: int(1),
  /** JSON: plan name -> costs, e.g. {"pro":{"classification":0}}; a tenant's plan is accounts.plan.name. */
  AI_PLAN_COSTS: PlanCostsFromEnv,
  /** Lifetime of the customer token a widget session gets (issue 17); the widget renews it before it ends. */
  WIDGET_TOKEN_TTL_S: z.coerce.number().int().min(60).default(900),
  /** Widget sessions one IP address, and one widget key, may create per window. */
  WIDGET_SESSIONS_PER_IP: int(30),
  WIDGET_SESSIONS_PER_KEY: int(600),
  WIDGET_SESSIONS_WINDOW_S: z.coerce.number().int().min(1).default(60),
});
export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config extends Omit<RawConfig, 'CORS_ORIGINS' | 'DEMO'> {
  /** Allowed browser origins; empty means any origin (development). */
  corsOrigins: string[];
  /** Seed a demo tenant and print tokens. */
  demo: boolean;
  /** Filled by {@link resolveSecrets} when unset. */
  JWT_SECRET: string | undefined;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const variable = i.path.join('.');
        return { variable, expected: EXPECTED[variable] ?? i.message, problem: i.message };
      }),
    );
  }
  const problems = configProblems(parsed.data);
  if (problems.length) throw new ConfigError(problems);
  const { CORS_ORIGINS, DEMO, ...rest } = parsed.data;
  return {
    ...rest,
    corsOrigins: CORS_ORIGINS
      ? CORS_ORIGINS.split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
    demo: DEMO ?? !rest.DATABASE_URL,
  };
}

/** A config for tests and embedding: defaults, then the overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // Presence without grace or coalescing unless a test asks: announcements at once keep tests short.
  // No refusals for event-loop lag: a busy test machine is not a connection storm.
  // No vacuum job unless a test asks: a test's database lives seconds, and a clock moved by hours would start passes.
  return {
    ...loadConfig({}),
    LOG_LEVEL: 'silent',
    demo: false,
    PRESENCE_GRACE_MS: 0,
    PRESENCE_COALESCE_MS: 0,
    ADMISSION_MAX_LAG_MS: 0,
    DB_VACUUM_INTERVAL_S: 0,
    ...overrides,
  };
}
