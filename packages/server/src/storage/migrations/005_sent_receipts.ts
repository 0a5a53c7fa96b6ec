import type { Migration } from './migration';

/**
 * A channel's `sent` report (WhatsApp reports sent, delivered, read) is a receipt like the others:
 * stored once per recipient, so a redelivered `sent` is recognised and announced only once.
 */
export const migration005SentReceipts: Migration = {
  id: '005_sent_receipts',
  sql: `
ALTER TABLE message_statuses DROP CONSTRAINT message_statuses_status_check;
ALTER TABLE message_statuses ADD CONSTRAINT message_statuses_status_check CHECK (status IN ('sent', 'delivered', 'read'));
`,
};
