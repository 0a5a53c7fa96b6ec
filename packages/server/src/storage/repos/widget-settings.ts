import type { Conversation } from '@switchboard/protocol';

import type { Queryable } from '../db';
import { iso, jsonParam } from '../row-mapping';
import { type ConversationRow, toConversation } from './conversations';

/** A tenant's widget: its public key, allowed site origins, identity secret and options (issue 17). */
export interface WidgetSettingsRow {
  accountId: string;
  publicKey: string;
  identitySecret: string;
  origins: string[];
  options: Record<string, unknown>;
  updatedAt: string;
}

interface Row {
  account_id: string;
  public_key: string;
  identity_secret: string;
  origins: string[];
  options: Record<string, unknown>;
  updated_at: Date;
}

const toSettings = (r: Row): WidgetSettingsRow => ({
  accountId: r.account_id,
  publicKey: r.public_key,
  identitySecret: r.identity_secret,
  origins: r.origins,
  options: r.options,
  updatedAt: iso(r.updated_at),
});

export class WidgetSettingsRepo {
  constructor(private readonly q: Queryable) {}

  async get(accountId: string): Promise<WidgetSettingsRow | null> {
    const rows = await this.q.query<Row>('SELECT * FROM widget_settings WHERE account_id = $1', [accountId]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  async byPublicKey(publicKey: string): Promise<WidgetSettingsRow | null> {
    const rows = await this.q.query<Row>('SELECT * FROM widget_settings WHERE public_key = $1', [publicKey]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  /** Creates the row with fresh keys unless it exists; returns the stored row either way. */
  async ensure(accountId: string, publicKey: string, identitySecret: string): Promise<WidgetSettingsRow> {
    await this.q.query(
      'INSERT INTO widget_settings (account_id, public_key, identity_secret) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING',
      [accountId, publicKey, identitySecret],
    );
    return (await this.get(accountId)) as WidgetSettingsRow;
  }

  async update(
    accountId: string,
    change: { origins?: string[]; options?: Record<string, unknown>; publicKey?: string; identitySecret?: string },
  ): Promise<WidgetSettingsRow | null> {
    const rows = await this.q.query<Row>(
      `UPDATE widget_settings SET origins = COALESCE($2::text[], origins), options = COALESCE($3::jsonb, options),
         public_key = COALESCE($4, public_key), identity_secret = COALESCE($5, identity_secret), updated_at = now()
       WHERE account_id = $1 RETURNING *`,
      [
        accountId,
        change.origins ?? null,
        change.options ? jsonParam(change.options) : null,
        change.publicKey ?? null,
        change.identitySecret ?? null,
      ],
    );
    return rows[0] ? toSettings(rows[0]) : null;
  }

  /**
   * Hands an anonymous visitor's conversations to the customer they turned out to be, in this account only.
   * Returns the conversations that moved, as they are now. Two sessions merging the same visitor at once
   * move each conversation once: the second UPDATE re-reads the row and finds it no longer the visitor's.
   */
  async mergeContact(accountId: string, fromContactId: string, toContactId: string): Promise<Conversation[]> {
    const rows = await this.q.query<ConversationRow>(
      'UPDATE conversations SET contact_id = $3, updated_at = now() WHERE account_id = $1 AND contact_id = $2 RETURNING *',
      [accountId, fromContactId, toContactId],
    );
    return rows.map(toConversation);
  }
}
