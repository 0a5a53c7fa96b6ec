import type { Attachment, AttachmentRef } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { iso } from '../row-mapping';

interface AttachmentRow {
  id: string;
  account_id: string;
  conversation_id: string;
  uploader_id: string;
  name: string;
  content_type: string;
  size: number | string;
  storage_key: string;
  created_at: Date | string;
}

export interface StoredAttachment extends Attachment {
  storageKey: string;
}

function toAttachment(r: AttachmentRow): StoredAttachment {
  return {
    id: r.id,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    uploaderId: r.uploader_id,
    name: r.name,
    contentType: r.content_type,
    size: Number(r.size),
    kind: r.content_type.startsWith('image/') ? 'image' : 'file',
    createdAt: iso(r.created_at),
    storageKey: r.storage_key,
  };
}

export function toAttachmentRef(a: Attachment): AttachmentRef {
  return { id: a.id, name: a.name, contentType: a.contentType, size: a.size, kind: a.kind };
}

/** Attachment rows, scoped by account: another tenant's attachment is one that does not exist. */
export class AttachmentsRepo {
  constructor(private readonly q: Queryable) {}

  async create(input: Omit<StoredAttachment, 'createdAt' | 'kind'>): Promise<StoredAttachment> {
    const rows = await this.q.query<AttachmentRow>(
      `INSERT INTO attachments (id, account_id, conversation_id, uploader_id, name, content_type, size, storage_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [input.id, input.accountId, input.conversationId, input.uploaderId, input.name, input.contentType, input.size, input.storageKey],
    );
    return toAttachment(rows[0] as AttachmentRow);
  }

  async get(accountId: string, id: string): Promise<StoredAttachment | null> {
    const rows = await this.q.query<AttachmentRow>('SELECT * FROM attachments WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toAttachment(rows[0]) : null;
  }

  /** The attachments among `ids` that were uploaded into this conversation. */
  async inConversation(accountId: string, conversationId: string, ids: readonly string[]): Promise<StoredAttachment[]> {
    const rows = await this.q.query<AttachmentRow>(
      'SELECT * FROM attachments WHERE account_id = $1 AND conversation_id = $2 AND id = ANY($3::text[])',
      [accountId, conversationId, [...ids]],
    );
    return rows.map(toAttachment);
  }
}
