import { isStaff, type Label, type LabelRef } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden, invalid, notFound } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { LabelsRepo } from '../storage/repos/labels';
import type { ConversationService } from './conversation-service';
import type { DomainEvent } from './domain-event';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';

/** Colours for labels nobody chose one for (the AI's categories): picked by name, so a category keeps its colour. */
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563'] as const;

export function defaultLabelColor(name: string): string {
  let h = 0;
  for (const ch of name.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] as string;
}

/**
 * Labels (issue 16). Admins keep the tenant's set (a shared vocabulary, like Chatwoot's); agents and
 * admins apply and remove them on conversations; every change is an event for tenant staff only.
 * Customers never see a label: not in their reads, not live, not in replay.
 */
export class LabelService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly conversations: ConversationService,
  ) {}

  async list(actor: Actor): Promise<Label[]> {
    if (!isStaff(actor.role)) throw forbidden('Labels are for staff');
    return new LabelsRepo(this.db).list(actor.accountId);
  }

  async create(actor: Actor, input: { name: string; color?: string | undefined }): Promise<Label> {
    if (actor.role !== 'admin') throw forbidden('Only admins manage labels');
    return this.changeSet(actor.accountId, async (repo) => {
      const label = await repo.create({
        accountId: actor.accountId,
        name: input.name,
        color: input.color ?? defaultLabelColor(input.name),
      });
      if (!label) throw invalid('A label with that name exists', { field: 'name' });
      return label;
    });
  }

  async update(actor: Actor, id: string, patch: { name?: string | undefined; color?: string | undefined }): Promise<Label> {
    if (actor.role !== 'admin') throw forbidden('Only admins manage labels');
    return this.changeSet(actor.accountId, async (repo) => {
      const label = await repo.update(actor.accountId, id, patch);
      if (label === 'conflict') throw invalid('A label with that name exists', { field: 'name' });
      if (!label) throw notFound('Label');
      return label;
    });
  }

  /** Takes the label off every conversation too; staff hear `labels_updated` and drop it from their rows. */
  async delete(actor: Actor, id: string): Promise<void> {
    if (actor.role !== 'admin') throw forbidden('Only admins manage labels');
    await this.changeSet(actor.accountId, async (repo) => {
      if (!(await repo.delete(actor.accountId, id))) throw notFound('Label');
    });
  }

  /** Applies `add` and removes `remove` (agents and admins); answers the conversation's labels after the change. */
  async change(actor: Actor, conversationId: string, change: { add?: string[]; remove?: string[] }): Promise<LabelRef[]> {
    const conversation = await this.conversations.getReadable(actor, conversationId);
    if (!can.manageConversation(actor, conversation)) throw forbidden('Only agents and admins label conversations');
    const add = [...new Set(change.add ?? [])];
    const remove = [...new Set(change.remove ?? [])].filter((id) => !add.includes(id));
    const [labels, logged] = await this.db.transaction(async (tx) => {
      const repo = new LabelsRepo(tx);
      const known = await repo.existing(actor.accountId, add);
      const missing = add.filter((id) => !known.has(id));
      if (missing.length > 0) throw invalid('Unknown label', { labelIds: missing });
      const added = await repo.apply(actor.accountId, conversationId, add, actor.userId);
      const removed = await repo.remove(actor.accountId, conversationId, remove);
      const labels = (await repo.forConversations(actor.accountId, [conversationId])).get(conversationId) ?? [];
      if (added.length === 0 && removed.length === 0) return [labels, []] as const;
      const event: DomainEvent = {
        type: 'conversation.labels_changed',
        accountId: actor.accountId,
        conversationId,
        labels,
        added,
        removed,
        by: actor.userId,
      };
      return [labels, await logEvents(tx, [event])] as const;
    });
    logged.forEach((e) => this.publisher.publish(e));
    return labels;
  }

  private async changeSet<T>(accountId: string, change: (repo: LabelsRepo) => Promise<T>): Promise<T> {
    const [result, logged] = await this.db.transaction(async (tx) => {
      const repo = new LabelsRepo(tx);
      const result = await change(repo);
      return [result, await logEvents(tx, [{ type: 'labels.updated', accountId, labels: await repo.list(accountId) }])] as const;
    });
    logged.forEach((e) => this.publisher.publish(e));
    return result;
  }
}

/**
 * The label for an AI category, applied in the caller's transaction (triage-service.ts): created
 * when the tenant has none of that name. Answers the events to log: none when the conversation
 * already carried it.
 */
export async function labelFromCategory(
  tx: Queryable,
  accountId: string,
  conversationId: string,
  category: string,
): Promise<DomainEvent[]> {
  const name = category.trim().slice(0, 40);
  if (!name) return [];
  const repo = new LabelsRepo(tx);
  const events: DomainEvent[] = [];
  let label = await repo.findByName(accountId, name);
  if (!label) {
    label = (await repo.create({ accountId, name, color: defaultLabelColor(name) })) ?? (await repo.findByName(accountId, name));
    if (!label) return [];
    events.push({ type: 'labels.updated', accountId, labels: await repo.list(accountId) });
  }
  const added = await repo.apply(accountId, conversationId, [label.id], null);
  if (added.length === 0) return events;
  const labels = (await repo.forConversations(accountId, [conversationId])).get(conversationId) ?? [];
  events.push({ type: 'conversation.labels_changed', accountId, conversationId, labels, added, removed: [], by: null });
  return events;
}
