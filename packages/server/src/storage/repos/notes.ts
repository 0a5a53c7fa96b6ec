import type { Note } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { iso } from '../row-mapping';

interface NoteRow {
  id: string;
  account_id: string;
  conversation_id: string;
  author_id: string;
  content: string;
  created_at: Date | string;
}

function toNote(r: NoteRow): Note {
  return {
    id: r.id,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    content: r.content,
    createdAt: iso(r.created_at),
  };
}

/** Private notes, scoped by account like every repository. */
export class NotesRepo {
  constructor(private readonly q: Queryable) {}

  async create(input: { accountId: string; conversationId: string; authorId: string; content: string }): Promise<Note> {
    const rows = await this.q.query<NoteRow>(
      'INSERT INTO notes (id, account_id, conversation_id, author_id, content) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [newId(), input.accountId, input.conversationId, input.authorId, input.content],
    );
    return toNote(rows[0] as NoteRow);
  }

  /** Oldest first, like messages. */
  async list(accountId: string, conversationId: string, limit = 200): Promise<Note[]> {
    const rows = await this.q.query<NoteRow>(
      'SELECT * FROM notes WHERE account_id = $1 AND conversation_id = $2 ORDER BY created_at, id LIMIT $3',
      [accountId, conversationId, limit],
    );
    return rows.map(toNote);
  }
}
