import type { Migration } from './migration';

/**
 * The write pipeline (docs/decisions.md, "The write pipeline").
 * - `relay_marks`: one row per node process, written about once a second while it relays: the newest event
 *   it handed to the relay, and how many it could not hand over (the outbox tailers carried those; the
 *   last one's time says when). It replaces stamping `events.published_at` per event, which
 *   cost a row update (and a dead tuple and an index entry) for every event; the column stays, unused.
 */
export const migration004RelayMarks: Migration = {
  id: '004_relay_marks',
  sql: `
CREATE TABLE relay_marks (
  node_id text PRIMARY KEY,
  relayed_through timestamptz,
  relay_failures bigint NOT NULL DEFAULT 0,
  last_failure_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
DROP INDEX IF EXISTS events_unpublished_idx;
`,
};
