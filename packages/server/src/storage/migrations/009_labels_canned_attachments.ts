import type { Migration } from './migration';

/**
 * Labels, canned responses and attachments for the agents' inbox (issue 16).
 * - `labels`: a tenant's labels, names unique per tenant regardless of case, so the AI's category
 *   "billing" and an admin's "Billing" are one label. `conversation_labels` applies them; deleting a
 *   label removes it from every conversation.
 * - `canned_responses`: replies admins prepare, found by a shortcut unique per tenant.
 * - `attachments`: what was uploaded into which conversation by whom; the bytes are in the
 *   attachment store (storage/attachment-store.ts), under `storage_key`. A message lists the ones it
 *   carries in `messages.attachments` (a JSON array of their summaries), so every path that reads
 *   a message row (history, replay, previews) carries them without a join.
 */
export const migration009LabelsCannedAttachments: Migration = {
  id: '009_labels_canned_attachments',
  sql: `
CREATE TABLE labels (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  name text NOT NULL,
  color text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX labels_account_name_uq ON labels (account_id, lower(name));
CREATE TABLE conversation_labels (
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  label_id text NOT NULL,
  added_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, conversation_id, label_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id),
  FOREIGN KEY (account_id, label_id) REFERENCES labels (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_labels_label_idx ON conversation_labels (account_id, label_id, conversation_id);
CREATE TABLE canned_responses (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  shortcut text NOT NULL,
  title text,
  content text NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX canned_responses_account_shortcut_uq ON canned_responses (account_id, lower(shortcut));
CREATE TABLE attachments (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  uploader_id text NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  size bigint NOT NULL,
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX attachments_conversation_idx ON attachments (account_id, conversation_id);
ALTER TABLE messages ADD COLUMN attachments jsonb;
`,
};
