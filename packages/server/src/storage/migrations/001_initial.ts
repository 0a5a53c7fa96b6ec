import type { Migration } from './migration';

/**
 * The first schema. Notes on choices that are not obvious from the DDL:
 * - Tables that other tenant tables point at carry `unique (account_id, id)`, and children reference
 *   that pair, so the database itself refuses a message or ticket that belongs to another tenant's
 *   conversation.
 * - Enumerations mirror packages/protocol/src/enums.ts, so every stored row maps to a valid wire model.
 * - `events.seq` is the replay cursor clients send back (`since`); see repos/event-log.ts for how
 *   appends keep it gap-free per account.
 */
export const migration001Initial: Migration = {
  id: '001_initial',
  sql: `
CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text,
  plan jsonb NOT NULL DEFAULT '{}',
  credit_balance bigint NOT NULL DEFAULT 0,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  account_id text NOT NULL,
  id text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer', 'customer')),
  email text,
  name text,
  team_ids text[] NOT NULL DEFAULT '{}',
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);
CREATE INDEX users_account_role_idx ON users (account_id, role);

CREATE TABLE teams (
  account_id text NOT NULL,
  id text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  contact_id text,
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'PENDING', 'HANDED_OFF', 'RESOLVED')),
  assignee_id text,
  team_id text,
  subject text,
  channel_type text NOT NULL DEFAULT 'web' CHECK (channel_type IN ('web', 'whatsapp', 'email', 'sms', 'api')),
  external_id text,
  classification jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz,
  UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX conversations_account_external_uq ON conversations (account_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX conversations_account_status_idx ON conversations (account_id, status);
CREATE INDEX conversations_account_contact_idx ON conversations (account_id, contact_id);
CREATE INDEX conversations_account_updated_idx ON conversations (account_id, updated_at DESC, id DESC);

CREATE TABLE messages (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('USER', 'ASSISTANT', 'SYSTEM', 'HUMAN_AGENT')),
  sender_id text,
  content text NOT NULL,
  content_type text NOT NULL DEFAULT 'text'
    CHECK (content_type IN ('text', 'image', 'file', 'audio', 'video', 'location', 'template')),
  client_message_id text,
  external_id text,
  media_url text,
  status text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'delivered', 'read')),
  confidence real,
  latency_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE UNIQUE INDEX messages_conversation_client_uq ON messages (conversation_id, client_message_id) WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_account_external_uq ON messages (account_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX messages_conversation_created_idx ON messages (conversation_id, created_at, id);

CREATE TABLE message_statuses (
  message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('delivered', 'read')),
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id, status)
);

CREATE TABLE conversation_events (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  type text NOT NULL,
  actor_id text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX conversation_events_conversation_idx ON conversation_events (conversation_id, id);

CREATE TABLE notifications (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  user_id text NOT NULL,
  kind text NOT NULL
    CHECK (kind IN ('assigned', 'mentioned', 'new_conversation', 'sla_warning', 'sla_breached', 'handoff')),
  title text NOT NULL,
  message text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_account_user_read_idx ON notifications (account_id, user_id, read_at);
CREATE INDEX notifications_account_user_created_idx ON notifications (account_id, user_id, created_at DESC, id DESC);

CREATE TABLE tickets (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text,
  subject text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'on_hold', 'solved', 'closed')),
  priority text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  assignee_id text,
  team_id text,
  sla_first_response_due_at timestamptz,
  sla_resolution_due_at timestamptz,
  first_responded_at timestamptz,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX tickets_account_status_idx ON tickets (account_id, status);
CREATE INDEX tickets_account_updated_idx ON tickets (account_id, updated_at DESC, id DESC);
CREATE INDEX tickets_account_conversation_idx ON tickets (account_id, conversation_id);

CREATE TABLE sla_timers (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  ticket_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('warning', 'breach')),
  fire_at timestamptz NOT NULL,
  fired_at timestamptz,
  claimed_by text,
  claimed_at timestamptz,
  UNIQUE (ticket_id, kind),
  FOREIGN KEY (account_id, ticket_id) REFERENCES tickets (account_id, id) ON DELETE CASCADE
);
CREATE INDEX sla_timers_pending_idx ON sla_timers (fire_at) WHERE fired_at IS NULL;

CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  account_id text NOT NULL,
  type text NOT NULL,
  audience text NOT NULL CHECK (audience IN ('tenant', 'staff', 'conversation', 'user')),
  conversation_id text,
  user_id text,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  CHECK (audience <> 'conversation' OR conversation_id IS NOT NULL),
  CHECK (audience <> 'user' OR user_id IS NOT NULL)
);
CREATE INDEX events_account_seq_idx ON events (account_id, seq);
CREATE INDEX events_unpublished_idx ON events (seq) WHERE published_at IS NULL;
`,
};
