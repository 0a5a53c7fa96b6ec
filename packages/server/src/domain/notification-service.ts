import type { Actor } from '../access/policy';
import { notFound } from '../errors';
import type { Db } from '../storage/db';
import { NotificationsRepo } from '../storage/repos/notifications';
import type { DomainEvent, LoggedEvent } from './domain-event';
import { logEvents } from './event-log';
import { type NotificationDraft, notificationsFor } from './notification-rules';
import type { Publisher } from './publisher';

/**
 * Stored notifications per user (`/notifications`). Every change raises
 * an event with the new unread count, addressed to the user: all of that
 * user's tabs hear it, so badges stay in step. A socket only ever reads and
 * marks its own user's notifications; another user's id is NOT_FOUND.
 */
export class NotificationService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
  ) {}

  async notify(accountId: string, drafts: readonly NotificationDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const logged = await this.db.transaction(async (tx) => {
      const repo = new NotificationsRepo(tx);
      const events: DomainEvent[] = [];
      for (const d of drafts) {
        const notification = await repo.create({
          accountId,
          userId: d.userId,
          kind: d.kind,
          title: d.title,
          message: d.message,
          data: d.data,
        });
        events.push({ type: 'notification.created', accountId, notification, unread: await repo.unreadCount(accountId, d.userId) });
      }
      return logEvents(tx, events);
    });
    logged.forEach((e) => this.publisher.publish(e));
  }

  /** Reaction to any published fact: stores and announces the notifications it causes. */
  async react(e: LoggedEvent): Promise<void> {
    await this.notify(e.accountId, await notificationsFor(e, this.db));
  }

  unread(actor: Actor): Promise<number> {
    return new NotificationsRepo(this.db).unreadCount(actor.accountId, actor.userId);
  }

  /** Marks one read; already read is no change and no event. Returns the new unread count. */
  async markRead(actor: Actor, id: string): Promise<{ unread: number }> {
    const { unread, logged } = await this.db.transaction(async (tx) => {
      const repo = new NotificationsRepo(tx);
      const changed = await repo.markRead(actor.accountId, actor.userId, id);
      if (!changed && !(await repo.get(actor.accountId, actor.userId, id))) throw notFound('Notification');
      const unread = await repo.unreadCount(actor.accountId, actor.userId);
      const events: DomainEvent[] = changed
        ? [{ type: 'notification.read', accountId: actor.accountId, userId: actor.userId, ids: [id], unread }]
        : [];
      return { unread, logged: await logEvents(tx, events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return { unread };
  }

  async markAllRead(actor: Actor): Promise<{ unread: number }> {
    const { unread, logged } = await this.db.transaction(async (tx) => {
      const repo = new NotificationsRepo(tx);
      const ids = await repo.markAllRead(actor.accountId, actor.userId);
      const unread = await repo.unreadCount(actor.accountId, actor.userId);
      const events: DomainEvent[] = ids.length
        ? [{ type: 'notification.read', accountId: actor.accountId, userId: actor.userId, ids, unread }]
        : [];
      return { unread, logged: await logEvents(tx, events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return { unread };
  }
}
