import type { Queryable } from '../db';
import { iso, type TimeInput, timeParam } from '../row-mapping';

/** Per-recipient delivery and read receipts (table message_statuses); `sent` only as a channel reports it. */
export type ReceiptStatus = 'sent' | 'delivered' | 'read';

export interface Receipt {
  messageId: string;
  userId: string;
  status: ReceiptStatus;
  at: string;
}

interface ReceiptRow {
  message_id: string;
  user_id: string;
  status: ReceiptStatus;
  at: Date;
}

function toReceipt(row: ReceiptRow): Receipt {
  return { messageId: row.message_id, userId: row.user_id, status: row.status, at: iso(row.at) };
}

/**
 * The table has no account column of its own; every call names the account and is checked against
 * the message's, so a receipt can never be written for or read from another tenant's message.
 */
export class ReceiptsRepo {
  constructor(private readonly q: Queryable) {}

  /**
   * Records that `userId` got (or read) the message. True when this receipt is new, false when it
   * was already recorded or the message is not in this account. Idempotent and transaction-safe.
   */
  async record(accountId: string, messageId: string, userId: string, status: ReceiptStatus, at: TimeInput = Date.now()): Promise<boolean> {
    const rows = await this.q.query(
      `INSERT INTO message_statuses (message_id, user_id, status, at)
       SELECT m.id, $3, $4, $5::timestamptz FROM messages m WHERE m.account_id = $1 AND m.id = $2
       ON CONFLICT (message_id, user_id, status) DO NOTHING
       RETURNING message_id`,
      [accountId, messageId, userId, status, timeParam(at)],
    );
    return rows.length > 0;
  }

  async listForMessage(accountId: string, messageId: string): Promise<Receipt[]> {
    const rows = await this.q.query<ReceiptRow>(
      `SELECT s.* FROM message_statuses s JOIN messages m ON m.id = s.message_id
       WHERE m.account_id = $1 AND s.message_id = $2
       ORDER BY s.at, s.user_id, s.status`,
      [accountId, messageId],
    );
    return rows.map(toReceipt);
  }
}
