import type { Migration } from './migration';

/**
 * The messages' full-text index writes each message's words into the index as it is inserted, not
 * into GIN's pending list (`fastupdate = off`). With the pending list (PostgreSQL's default, 4 MB)
 * the insert that fills it merges the whole list into the index inside that insert: measured on
 * PostgreSQL 15, a flush of 10 chat messages that hit it spent 57–65 ms of the database's CPU on it
 * once every ~27,000 messages, against 0.5 ms for a flush, so at 1,000 msg/s one flush in ~27 s
 * stalled everything queued behind it; without the list the slowest flush of 40,000 spent 1.6–2.8 ms
 * and the CPU per message was the same (docs/decisions.md, "PostgreSQL stalls at 1,000 msg/s: the
 * overlap rule and the full-text index's pending list").
 */
export const migration011FtsWithoutPendingList: Migration = {
  id: '011_fts_without_pending_list',
  sql: `ALTER INDEX messages_content_fts_idx SET (fastupdate = off);`,
};
