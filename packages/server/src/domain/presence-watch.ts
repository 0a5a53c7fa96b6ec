import type { PresenceEntry } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden } from '../errors';
import type { Db } from '../storage/db';
import { UsersRepo } from '../storage/repos/users';
import type { PresenceService } from './presence-service';

/**
 * What `presence:subscribe` may watch: users of the caller's own tenant. Ids
 * are tenant-scoped, so an id that is not a user of the caller's tenant
 * (another tenant's user, a typo) is dropped without a word, rather than
 * answered in a way that would tell whether it exists elsewhere.
 */
export class PresenceWatch {
  constructor(
    private readonly db: Db,
    private readonly presence: PresenceService,
  ) {}

  async entries(actor: Actor, userIds: readonly string[]): Promise<PresenceEntry[]> {
    if (!can.watchPresence(actor)) throw forbidden('Only staff watch presence');
    const known = await new UsersRepo(this.db).known(actor.accountId, [...new Set(userIds)]);
    return Promise.all(known.map(async (userId) => ({ userId, ...(await this.presence.status(actor.accountId, userId)) })));
  }
}
