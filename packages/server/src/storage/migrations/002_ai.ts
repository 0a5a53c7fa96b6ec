import type { Migration } from './migration';

/**
 * AI triage, assistant replies, handoff, credits and the embedded job queue (issue 6).
 * - `credit_ledger.ref` is unique per account: a charge names what it pays for
 *   (`reply:ai:triage-…`), so a retried job finds its charge and pays once.
 * - `classifications` has one row per customer message; a retried job reuses it.
 * - `ai_jobs` is the queue of embedded mode; workers claim rows with FOR UPDATE SKIP LOCKED
 *   and hold them for a lease, so a job of a node that stopped is claimed again after it.
 */
export const migration002Ai: Migration = {
  id: '002_ai',
  sql: `
CREATE TABLE ai_settings (
  account_id text PRIMARY KEY,
  enabled boolean NOT NULL DEFAULT false,
  rules jsonb NOT NULL DEFAULT '{}',
  handoff jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_agents (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'INACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
  routing jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id)
);
CREATE INDEX ai_agents_account_status_idx ON ai_agents (account_id, status, created_at);

CREATE TABLE knowledge (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('saved_reply', 'article')),
  title text NOT NULL,
  body text NOT NULL,
  url text,
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_account_idx ON knowledge (account_id, created_at, id);

CREATE TABLE classifications (
  message_id text PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  sentiment text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  category text NOT NULL,
  language text NOT NULL,
  confidence real,
  provider text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX classifications_conversation_idx ON classifications (conversation_id, created_at);

CREATE TABLE handoffs (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  trigger text NOT NULL
    CHECK (trigger IN ('low_confidence', 'human_requested', 'negative_sentiment', 'keyword', 'credits_exhausted', 'ai_failure')),
  destination jsonb NOT NULL,
  summary text NOT NULL,
  agent_id text,
  message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX handoffs_conversation_idx ON handoffs (account_id, conversation_id, created_at);

CREATE TABLE credit_ledger (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  delta bigint NOT NULL,
  reason text NOT NULL CHECK (reason IN ('classification', 'draft', 'reply', 'topup')),
  ref text NOT NULL,
  balance_after bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, ref)
);
CREATE INDEX credit_ledger_account_created_idx ON credit_ledger (account_id, created_at DESC, id DESC);

CREATE TABLE ai_jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  data jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX ai_jobs_due_idx ON ai_jobs (run_at) WHERE status IN ('queued', 'running');
`,
};
