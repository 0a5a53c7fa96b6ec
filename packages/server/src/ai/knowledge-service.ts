import type { KnowledgeItem } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden, notFound } from '../errors';
import type { Db } from '../storage/db';
import { type KnowledgeInput, KnowledgeRepo } from '../storage/repos/knowledge';
import type { KnowledgeRetriever } from './knowledge-retriever';

/** Saved replies and help articles: staff read them, admins edit them; every edit refreshes retrieval. */
export class KnowledgeService {
  constructor(
    private readonly db: Db,
    private readonly retriever: KnowledgeRetriever,
  ) {}

  async list(actor: Actor): Promise<KnowledgeItem[]> {
    if (actor.role === 'customer') throw forbidden('Knowledge is for staff');
    return new KnowledgeRepo(this.db).list(actor.accountId, 1_000);
  }

  async create(actor: Actor, input: KnowledgeInput): Promise<KnowledgeItem> {
    this.mayEdit(actor);
    const item = await new KnowledgeRepo(this.db).create(actor.accountId, input);
    this.retriever.invalidate(actor.accountId);
    return item;
  }

  async update(actor: Actor, id: string, patch: Partial<KnowledgeInput>): Promise<KnowledgeItem> {
    this.mayEdit(actor);
    const item = await new KnowledgeRepo(this.db).update(actor.accountId, id, patch);
    if (!item) throw notFound('Knowledge item');
    this.retriever.invalidate(actor.accountId);
    return item;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    this.mayEdit(actor);
    if (!(await new KnowledgeRepo(this.db).delete(actor.accountId, id))) throw notFound('Knowledge item');
    this.retriever.invalidate(actor.accountId);
  }

  private mayEdit(actor: Actor): void {
    if (!can.manageAi(actor)) throw forbidden('Only admins edit knowledge');
  }
}
