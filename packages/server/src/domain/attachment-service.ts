import type { Readable } from 'node:stream';

import { type Attachment, type AttachmentRef, MAX_ATTACHMENT_BYTES } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden, invalid, notFound } from '../errors';
import type { AttachmentStore } from '../storage/attachments/attachment-store';
import type { Db, Queryable } from '../storage/db';
import { newId } from '../storage/ids';
import { AttachmentsRepo, type StoredAttachment, toAttachmentRef } from '../storage/repos/attachments';
import { attachmentType, cleanFileName, tooLarge, UploadGuard } from './attachment-rules';
import type { ConversationService } from './conversation-service';

export interface Upload {
  /** The Content-Type header as sent. */
  contentType: string | undefined;
  name: string | undefined;
  /** Content-Length when the client sent one: refused at once when over the limit. */
  declaredBytes: number | undefined;
}

/**
 * Attachments (issue 16): uploaded into a conversation by anyone who may write to it, stored
 * (bytes in the AttachmentStore, a row in the database), then referenced by messages. Read by
 * whoever may read the conversation, and nobody else: another tenant's attachment is NOT_FOUND,
 * another customer's FORBIDDEN, exactly as the conversation itself answers.
 */
export class AttachmentService {
  constructor(
    private readonly db: Db,
    private readonly store: AttachmentStore,
    private readonly conversations: ConversationService,
  ) {}

  /**
   * Checks everything that can be checked before the first byte (access, type, declared size),
   * then streams the body through an {@link UploadGuard} into the store. `body` is read only
   * through the guard: when the guard fails, the caller stops reading it.
   */
  async upload(actor: Actor, conversationId: string, upload: Upload, body: Readable): Promise<Attachment> {
    const conversation = await this.conversations.getReadable(actor, conversationId);
    if (!can.writeToConversation(actor, conversation)) throw forbidden('Viewers cannot attach files');
    const { contentType } = attachmentType(upload.contentType);
    if (upload.declaredBytes !== undefined && upload.declaredBytes > MAX_ATTACHMENT_BYTES) throw tooLarge();
    const id = newId();
    const guard = new UploadGuard(contentType);
    body.on('error', (err) => guard.destroy(err));
    body.pipe(guard);
    try {
      await this.store.put(id, guard);
    } finally {
      body.unpipe(guard);
    }
    if (guard.bytes === 0) {
      await this.store.delete(id);
      throw invalid('The file is empty');
    }
    try {
      return publicOf(
        await new AttachmentsRepo(this.db).create({
          id,
          accountId: actor.accountId,
          conversationId,
          uploaderId: actor.userId,
          name: cleanFileName(upload.name),
          contentType,
          size: guard.bytes,
          storageKey: id,
        }),
      );
    } catch (err) {
      await this.store.delete(id).catch(() => undefined);
      throw err;
    }
  }

  /** The attachment and its bytes, for a reader of its conversation. */
  async open(actor: Actor, id: string): Promise<{ attachment: Attachment; body: Readable }> {
    const row = await new AttachmentsRepo(this.db).get(actor.accountId, id);
    if (!row) throw notFound('Attachment');
    await this.conversations.getReadable(actor, row.conversationId);
    const body = await this.store.get(row.storageKey);
    if (!body) throw notFound('Attachment');
    return { attachment: publicOf(row), body };
  }
}

/**
 * The attachments a message in `conversationId` names, in the order named: each must have been
 * uploaded into that conversation (so nobody can forward another conversation's file by id).
 * Whether the sender may write there is decided by the message's own write.
 */
export async function attachmentsForMessage(
  q: Queryable,
  accountId: string,
  conversationId: string,
  ids: readonly string[],
): Promise<AttachmentRef[]> {
  const unique = [...new Set(ids)];
  const rows = await new AttachmentsRepo(q).inConversation(accountId, conversationId, unique);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) throw invalid('Unknown attachment', { attachmentIds: missing });
  return unique.map((id) => toAttachmentRef(byId.get(id)!));
}

function publicOf(row: StoredAttachment): Attachment {
  const { storageKey: _key, ...attachment } = row;
  return attachment;
}
