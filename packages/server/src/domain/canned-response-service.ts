import { type CannedResponse, isStaff } from '@switchboard/protocol';

import type { Actor } from '../access/policy';
import { forbidden, invalid, notFound } from '../errors';
import type { Db } from '../storage/db';
import { type CannedInput, CannedResponsesRepo } from '../storage/repos/canned-responses';

/**
 * Canned responses (issue 16): admins write them, staff read them to insert in the composer, where
 * the client fills the placeholders (`fillPlaceholders` in the SDK): the server keeps the template
 * as written, because the values (the contact, the agent) belong to the moment of use.
 */
export class CannedResponseService {
  constructor(private readonly db: Db) {}

  async list(actor: Actor): Promise<CannedResponse[]> {
    if (!isStaff(actor.role)) throw forbidden('Canned responses are for staff');
    return new CannedResponsesRepo(this.db).list(actor.accountId);
  }

  async create(actor: Actor, input: CannedInput): Promise<CannedResponse> {
    this.mayManage(actor);
    const created = await new CannedResponsesRepo(this.db).create(actor.accountId, actor.userId, input);
    if (!created) throw invalid('That shortcut is taken', { field: 'shortcut' });
    return created;
  }

  async update(actor: Actor, id: string, patch: Partial<CannedInput>): Promise<CannedResponse> {
    this.mayManage(actor);
    const updated = await new CannedResponsesRepo(this.db).update(actor.accountId, id, patch);
    if (updated === 'conflict') throw invalid('That shortcut is taken', { field: 'shortcut' });
    if (!updated) throw notFound('Canned response');
    return updated;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    this.mayManage(actor);
    if (!(await new CannedResponsesRepo(this.db).delete(actor.accountId, id))) throw notFound('Canned response');
  }

  private mayManage(actor: Actor): void {
    if (actor.role !== 'admin') throw forbidden('Only admins manage canned responses');
  }
}
