import type { Notification } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { clampLimit, iso, isoOrNull, jsonParam } from '../row-mapping';

export type NotificationKind = Notification['kind'];

export interface CreateNotificationInput {
  accountId: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  message: string;
  data?: Record<string, unknown>;
  /** Defaults to a new UUIDv7. */
  id?: string;
}

interface NotificationRow {
  id: string;
  account_id: string;
  user_id: string;
  kind: NotificationKind;
  title: string;
  message: string;
  data: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    title: row.title,
    message: row.message,
    data: row.data,
    readAt: isoOrNull(row.read_at),
    createdAt: iso(row.created_at),
  };
}

/** A user's notifications; every call names both the account and the user, so no one reads another's. */
export class NotificationsRepo {
  constructor(private readonly q: Queryable) {}

  async create(input: CreateNotificationInput): Promise<Notification> {
    const rows = await this.q.query<NotificationRow>(
      `INSERT INTO notifications (id, account_id, user_id, kind, title, message, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
      [input.id ?? newId(), input.accountId, input.userId, input.kind, input.title, input.message, jsonParam(input.data ?? {})],
    );
    return toNotification(rows[0] as NotificationRow);
  }

  /** Newest first; `beforeId` is the last id of the previous page. */
  async listForUser(
    accountId: string,
    userId: string,
    opts: { unreadOnly?: boolean; limit?: number; beforeId?: string } = {},
  ): Promise<Notification[]> {
    const rows = await this.q.query<NotificationRow>(
      `SELECT n.* FROM notifications n
       WHERE n.account_id = $1 AND n.user_id = $2
         AND (NOT $3::boolean OR n.read_at IS NULL)
         AND ($4::text IS NULL OR (n.created_at, n.id) <
              (SELECT b.created_at, b.id FROM notifications b WHERE b.account_id = $1 AND b.user_id = $2 AND b.id = $4))
       ORDER BY n.created_at DESC, n.id DESC
       LIMIT $5`,
      [accountId, userId, opts.unreadOnly ?? false, opts.beforeId ?? null, clampLimit(opts.limit)],
    );
    return rows.map(toNotification);
  }

  async get(accountId: string, userId: string, id: string): Promise<Notification | null> {
    const rows = await this.q.query<NotificationRow>('SELECT * FROM notifications WHERE account_id = $1 AND user_id = $2 AND id = $3', [
      accountId,
      userId,
      id,
    ]);
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async unreadCount(accountId: string, userId: string): Promise<number> {
    const rows = await this.q.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE account_id = $1 AND user_id = $2 AND read_at IS NULL',
      [accountId, userId],
    );
    return rows[0]?.n ?? 0;
  }

  /** True when this call marked it read; false when it was already read, or is not this user's. */
  async markRead(accountId: string, userId: string, id: string): Promise<boolean> {
    const rows = await this.q.query(
      `UPDATE notifications SET read_at = now()
       WHERE account_id = $1 AND user_id = $2 AND id = $3 AND read_at IS NULL RETURNING id`,
      [accountId, userId, id],
    );
    return rows.length > 0;
  }

  /** Marks every unread notification of the user read; returns the ids this call changed. */
  async markAllRead(accountId: string, userId: string): Promise<string[]> {
    const rows = await this.q.query<{ id: string }>(
      `UPDATE notifications SET read_at = now()
       WHERE account_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING id`,
      [accountId, userId],
    );
    return rows.map((r) => r.id).sort();
  }
}
