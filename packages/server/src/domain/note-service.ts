import { isStaff, type Note } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden } from '../errors';
import type { Db } from '../storage/db';
import { NotesRepo } from '../storage/repos/notes';
import type { ConversationService } from './conversation-service';
import { logEvents } from './event-log';
import type { Publisher } from './publisher';

/**
 * Private notes (issue 16): agents and admins write them, staff read them, customers never learn
 * they exist. The `note.created` event's audience is tenant staff (domain-event.ts), which is what
 * live delivery, replay and /api/updates all filter by.
 */
export class NoteService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly conversations: ConversationService,
  ) {}

  async add(actor: Actor, conversationId: string, content: string): Promise<Note> {
    const conversation = await this.conversations.getReadable(actor, conversationId);
    if (!can.manageConversation(actor, conversation)) throw forbidden('Only agents and admins write notes');
    const [note, logged] = await this.db.transaction(async (tx) => {
      const note = await new NotesRepo(tx).create({ accountId: actor.accountId, conversationId, authorId: actor.userId, content });
      return [note, await logEvents(tx, [{ type: 'note.created', accountId: actor.accountId, note }])] as const;
    });
    logged.forEach((e) => this.publisher.publish(e));
    return note;
  }

  async list(actor: Actor, conversationId: string): Promise<Note[]> {
    if (!isStaff(actor.role)) throw forbidden('Notes are for staff');
    await this.conversations.getReadable(actor, conversationId);
    return new NotesRepo(this.db).list(actor.accountId, conversationId);
  }
}
