import { Notification } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { NotificationsRepo } from '../../src/storage/index';
import { forEachEngine, uniqueAccountId } from '../support/databases';

forEachEngine('notifications', ({ db }) => {
  it('creates, lists newest first, counts and marks read per user', async () => {
    const notifications = new NotificationsRepo(db());
    const accountId = uniqueAccountId();
    const made = [];
    for (let i = 0; i < 4; i += 1) {
      made.push(await notifications.create({ accountId, userId: 'agent-1', kind: 'assigned', title: `n${i}`, message: 'm', data: { i } }));
    }
    await notifications.create({ accountId, userId: 'agent-2', kind: 'mentioned', title: 'other', message: 'm' });
    expect(Notification.strict().parse(made[0])).toEqual(made[0]);
    expect(made[0]).toMatchObject({ userId: 'agent-1', kind: 'assigned', data: { i: 0 }, readAt: null });

    const listed = await notifications.listForUser(accountId, 'agent-1');
    expect(listed.map((n) => n.title)).toEqual(['n3', 'n2', 'n1', 'n0']);
    expect((await notifications.listForUser(accountId, 'agent-1', { limit: 2, beforeId: listed[1]!.id })).map((n) => n.title)).toEqual([
      'n1',
      'n0',
    ]);
    expect(await notifications.unreadCount(accountId, 'agent-1')).toBe(4);

    expect(await notifications.markRead(accountId, 'agent-2', made[0]!.id)).toBe(false);
    expect(await notifications.markRead(uniqueAccountId(), 'agent-1', made[0]!.id)).toBe(false);
    expect(await notifications.markRead(accountId, 'agent-1', made[0]!.id)).toBe(true);
    expect(await notifications.markRead(accountId, 'agent-1', made[0]!.id)).toBe(false);
    expect(await notifications.unreadCount(accountId, 'agent-1')).toBe(3);
    expect((await notifications.listForUser(accountId, 'agent-1', { unreadOnly: true })).map((n) => n.title)).toEqual(['n3', 'n2', 'n1']);

    expect(await notifications.markAllRead(accountId, 'agent-1')).toEqual(
      made
        .slice(1)
        .map((n) => n.id)
        .sort(),
    );
    expect(await notifications.markAllRead(accountId, 'agent-1')).toEqual([]);
    expect(await notifications.unreadCount(accountId, 'agent-1')).toBe(0);
    expect(await notifications.unreadCount(accountId, 'agent-2')).toBe(1);
    expect((await notifications.listForUser(accountId, 'agent-1'))[0]?.readAt).toEqual(expect.any(String));
  });
});
