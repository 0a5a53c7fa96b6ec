import type { Migration } from './migration';

/**
 * The agents' inbox (issue 16).
 * - `read_positions`: how far each user has read each conversation, so unread counts are the
 *   server's and survive a reload or another device. The position is a (created_at, message id)
 *   pair, the same order messages are listed in, and only ever moves forward.
 * - `notes`: private notes, a table of their own rather than a flag on messages, so nothing that
 *   reads messages for a customer can ever select one.
 * - The two GIN indexes serve full-text search over message text and contact name / email with the
 *   `simple` configuration (no stemming: names, emails and any language match as written). The
 *   contact text repeats the email with its `@` as a space, so "maria" and "example.com" find
 *   maria@example.com (the parser keeps a whole email as one word). Queries must spell these
 *   expressions exactly as here to use the indexes (storage/repos/search.ts).
 */
export const migration007Inbox: Migration = {
  id: '007_inbox',
  sql: `
CREATE TABLE read_positions (
  account_id text NOT NULL,
  user_id text NOT NULL,
  conversation_id text NOT NULL,
  last_read_at timestamptz NOT NULL,
  last_read_message_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, user_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE TABLE notes (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  conversation_id text NOT NULL,
  author_id text NOT NULL,
  content text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id)
);
CREATE INDEX notes_conversation_created_idx ON notes (conversation_id, created_at, id);
CREATE INDEX messages_content_fts_idx ON messages USING gin (to_tsvector('simple', content));
CREATE INDEX users_contact_fts_idx ON users USING gin (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')));
`,
};
