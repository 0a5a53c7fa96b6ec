import type { ChannelType, Classification, Conversation, ConversationStatus } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { newId } from '../ids';
import { clampLimit, iso, isoOrNull, jsonParam, type TimeInput, timeParam } from '../row-mapping';

export interface CreateConversationInput {
  accountId: string;
  contactId?: string | null;
  subject?: string | null;
  channelType?: ChannelType;
  teamId?: string | null;
  assigneeId?: string | null;
  externalId?: string | null;
  status?: ConversationStatus;
  /** Defaults to a new UUIDv7. */
  id?: string;
}

export interface ListConversationsOptions {
  status?: ConversationStatus | readonly ConversationStatus[];
  contactId?: string;
  assigneeId?: string | null;
  teamId?: string;
  /** Only conversations carrying this label (issue 16). */
  labelId?: string;
  limit?: number;
  /** Keyset cursor: the id of the last conversation of the previous page (newest first). */
  beforeId?: string;
}

export interface ConversationRow {
  id: string;
  account_id: string;
  contact_id: string | null;
  status: ConversationStatus;
  assignee_id: string | null;
  team_id: string | null;
  subject: string | null;
  channel_type: ChannelType;
  classification: Classification | null;
  created_at: Date | string;
  updated_at: Date | string;
  last_message_at: Date | string | null;
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    accountId: row.account_id,
    contactId: row.contact_id,
    status: row.status,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    subject: row.subject,
    channelType: row.channel_type,
    classification: row.classification,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastMessageAt: isoOrNull(row.last_message_at),
  };
}

const INSERT_COLUMNS = 'id, account_id, contact_id, subject, channel_type, team_id, assignee_id, external_id, status';

function insertParams(input: CreateConversationInput): unknown[] {
  return [
    input.id ?? newId(),
    input.accountId,
    input.contactId ?? null,
    input.subject ?? null,
    input.channelType ?? 'web',
    input.teamId ?? null,
    input.assigneeId ?? null,
    input.externalId ?? null,
    input.status ?? 'OPEN',
  ];
}

/**
 * Every read and write is scoped by account id: a conversation of another tenant behaves exactly
 * like one that does not exist.
 */
export class ConversationsRepo {
  constructor(private readonly q: Queryable) {}

  /** Throws a `unique_violation` StorageError when `externalId` is taken; see createOrGetByExternalId. */
  async create(input: CreateConversationInput): Promise<Conversation> {
    const rows = await this.q.query<ConversationRow>(
      `INSERT INTO conversations (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      insertParams(input),
    );
    return toConversation(rows[0] as ConversationRow);
  }

  /**
   * For channels that name conversations themselves (WhatsApp, email threads): the first caller
   * creates it, concurrent and later callers get the stored one. No error is raised, so this is
   * safe inside a transaction.
   */
  async createOrGetByExternalId(
    input: CreateConversationInput & { externalId: string },
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const rows = await this.q.query<ConversationRow>(
      `INSERT INTO conversations (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING *`,
      insertParams(input),
    );
    if (rows[0]) return { conversation: toConversation(rows[0]), created: true };
    const existing = await this.findByExternalId(input.accountId, input.externalId);
    if (!existing) throw new Error('conversation vanished during createOrGetByExternalId');
    return { conversation: existing, created: false };
  }

  async get(accountId: string, id: string): Promise<Conversation | null> {
    const rows = await this.q.query<ConversationRow>('SELECT * FROM conversations WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async findByExternalId(accountId: string, externalId: string): Promise<Conversation | null> {
    const rows = await this.q.query<ConversationRow>('SELECT * FROM conversations WHERE account_id = $1 AND external_id = $2', [
      accountId,
      externalId,
    ]);
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** Most recently updated first. `assigneeId: null` lists unassigned conversations. */
  async list(accountId: string, opts: ListConversationsOptions = {}): Promise<Conversation[]> {
    const statuses = opts.status === undefined ? null : typeof opts.status === 'string' ? [opts.status] : [...opts.status];
    const rows = await this.q.query<ConversationRow>(
      `SELECT c.* FROM conversations c
       WHERE c.account_id = $1
         AND ($2::text[] IS NULL OR c.status = ANY($2::text[]))
         AND ($3::text IS NULL OR c.contact_id = $3)
         AND (NOT $4::boolean OR c.assignee_id IS NOT DISTINCT FROM $5::text)
         AND ($6::text IS NULL OR c.team_id = $6)
         AND ($7::text IS NULL OR (c.updated_at, c.id) <
              (SELECT b.updated_at, b.id FROM conversations b WHERE b.account_id = $1 AND b.id = $7))
         AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM conversation_labels cl
              WHERE cl.account_id = c.account_id AND cl.conversation_id = c.id AND cl.label_id = $9))
       ORDER BY c.updated_at DESC, c.id DESC
       LIMIT $8`,
      [
        accountId,
        statuses,
        opts.contactId ?? null,
        opts.assigneeId !== undefined,
        opts.assigneeId ?? null,
        opts.teamId ?? null,
        opts.beforeId ?? null,
        clampLimit(opts.limit),
        opts.labelId ?? null,
      ],
    );
    return rows.map(toConversation);
  }

  /**
   * Sets the status and reports the one it replaced, read under the same row lock so two racing
   * changes each see the other's result. `updatedAt` moves only when the status really changes.
   * Null when the conversation does not exist in this account.
   */
  async updateStatus(
    accountId: string,
    id: string,
    status: ConversationStatus,
  ): Promise<{ conversation: Conversation; previousStatus: ConversationStatus } | null> {
    const rows = await this.q.query<ConversationRow & { previous_status: ConversationStatus }>(
      `UPDATE conversations c
       SET status = $3,
           updated_at = CASE WHEN prev.status = $3 THEN c.updated_at ELSE now() END
       FROM (SELECT id, status FROM conversations WHERE account_id = $1 AND id = $2 FOR UPDATE) prev
       WHERE c.id = prev.id
       RETURNING c.*, prev.status AS previous_status`,
      [accountId, id, status],
    );
    const row = rows[0];
    return row ? { conversation: toConversation(row), previousStatus: row.previous_status } : null;
  }

  /** Assigns (or with null, unassigns) and reports the previous assignee. Null when not found. */
  async setAssignee(
    accountId: string,
    id: string,
    assigneeId: string | null,
  ): Promise<{ conversation: Conversation; previousAssigneeId: string | null } | null> {
    const rows = await this.q.query<ConversationRow & { previous_assignee_id: string | null }>(
      `UPDATE conversations c
       SET assignee_id = $3::text,
           updated_at = CASE WHEN prev.assignee_id IS NOT DISTINCT FROM $3::text THEN c.updated_at ELSE now() END
       FROM (SELECT id, assignee_id FROM conversations WHERE account_id = $1 AND id = $2 FOR UPDATE) prev
       WHERE c.id = prev.id
       RETURNING c.*, prev.assignee_id AS previous_assignee_id`,
      [accountId, id, assigneeId],
    );
    const row = rows[0];
    return row ? { conversation: toConversation(row), previousAssigneeId: row.previous_assignee_id } : null;
  }

  async setTeam(accountId: string, id: string, teamId: string | null): Promise<Conversation | null> {
    const rows = await this.q.query<ConversationRow>(
      'UPDATE conversations SET team_id = $3, updated_at = now() WHERE account_id = $1 AND id = $2 RETURNING *',
      [accountId, id, teamId],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async setClassification(accountId: string, id: string, classification: Classification | null): Promise<Conversation | null> {
    const rows = await this.q.query<ConversationRow>(
      `UPDATE conversations SET classification = $3::jsonb, updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, id, jsonParam(classification)],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** Records activity; last_message_at never moves backwards when messages are stored out of order. */
  async touchLastMessage(accountId: string, id: string, at: TimeInput = Date.now()): Promise<Conversation | null> {
    const rows = await this.q.query<ConversationRow>(
      `UPDATE conversations
       SET last_message_at = GREATEST(last_message_at, $3::timestamptz), updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, id, timeParam(at)],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }
}
