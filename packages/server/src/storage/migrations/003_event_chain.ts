import type { Migration } from './migration';

/**
 * Several nodes (issue 5).
 * - `events.prev_seq`: the seq of the account's previous event, drawn under the per-account append lock,
 *   so every node can emit one account's events in log order whatever path each one arrived by.
 * - `switchboard_last_event_seq` is VOLATILE on purpose: it takes a fresh snapshot when called, after
 *   the append lock is held, and so sees an append that committed while this one waited for the lock
 *   (a subquery in the INSERT would read the statement's older snapshot and skip it).
 * - `events_created_at_idx` serves the outbox tailer's "written in the last few seconds" window.
 */
export const migration003EventChain: Migration = {
  id: '003_event_chain',
  sql: `
ALTER TABLE events ADD COLUMN prev_seq bigint;
CREATE INDEX events_created_at_idx ON events (created_at);
CREATE FUNCTION switchboard_last_event_seq(account text) RETURNS bigint
  LANGUAGE sql VOLATILE
  AS $$ SELECT max(seq) FROM events WHERE account_id = account $$;
`,
};
