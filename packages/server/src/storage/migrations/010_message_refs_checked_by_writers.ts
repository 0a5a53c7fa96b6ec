import type { Migration } from './migration';

/**
 * Ingest on PostgreSQL (docs/decisions.md, "Ingest on PostgreSQL: CPU per message in the flush").
 * - The foreign keys `messages → conversations` and `conversation_events → conversations` are dropped:
 *   each checked every inserted row on its own (a query per row, ~25% of the flush statement's
 *   time at ingest's batch sizes), re-reading a conversation row the same statement has just locked
 *   and joined on. Every writer of those rows inserts them from a join on the conversation's row,
 *   locked in the same transaction (storage/repos/message-flush.ts, message-batch.ts, the audit
 *   appends of the conversation and widget services), so none can store a row for a conversation
 *   that is not there.
 * - What the foreign keys also refused, removing or re-keying a conversation that still has
 *   messages or audit rows, is refused by a trigger on `conversations` (same SQLSTATE, 23503). Nothing
 *   deletes conversations today, so the trigger costs the write path nothing; a writer holding the
 *   conversation's row lock makes a concurrent delete wait, and the trigger then sees its rows.
 */
export const migration010MessageRefsCheckedByWriters: Migration = {
  id: '010_message_refs_checked_by_writers',
  sql: `
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_account_id_conversation_id_fkey;
ALTER TABLE conversation_events DROP CONSTRAINT IF EXISTS conversation_events_account_id_conversation_id_fkey;
CREATE FUNCTION switchboard_conversation_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = OLD.id)
     OR EXISTS (SELECT 1 FROM conversation_events e WHERE e.conversation_id = OLD.id) THEN
    RAISE EXCEPTION 'conversation % is still referenced by its messages or audit rows', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER conversations_kept_on_delete BEFORE DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION switchboard_conversation_kept();
CREATE TRIGGER conversations_kept_on_rekey BEFORE UPDATE OF id, account_id ON conversations
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.account_id IS DISTINCT FROM NEW.account_id)
  EXECUTE FUNCTION switchboard_conversation_kept();
`,
};
