import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { Id } from '@switchboard/protocol';
import { z } from 'zod';

import { type Actor, can } from '../access/policy';
import type { Principal } from '../auth/principal';
import { signToken } from '../auth/token-signer';
import { AppError, forbidden } from '../errors';
import type { Db } from '../storage/db';
import { AccountsRepo } from '../storage/repos/accounts';
import { ConversationEventsRepo } from '../storage/repos/conversation-events';
import { contactSummary } from '../storage/repos/inbox';
import { UsersRepo } from '../storage/repos/users';
import { WidgetSettingsRepo, type WidgetSettingsRow } from '../storage/repos/widget-settings';
import type { ConversationService } from './conversation-service';
import type { DomainEvent } from './domain-event';
import { logEvents } from './event-log';
import type { PresenceService } from './presence-service';
import type { Publisher } from './publisher';
import type { UserDirectory } from './user-directory';

/** A site origin as a browser sends it: scheme, host and port, nothing else. */
export const SiteOrigin = z
  .string()
  .max(300)
  .refine((o) => {
    try {
      const u = new URL(o);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://shop.example.com (no path, no trailing slash)');

export const WidgetOptions = z.object({
  /** Pre-chat form fields the widget asks for before the first message. */
  prechat: z.object({ name: z.boolean().default(false), email: z.boolean().default(false) }).default({ name: false, email: false }),
  /** How agent messages are labelled for the customer: the agent's name, or one name for the whole team. */
  senderLabel: z.enum(['agent', 'tenant']).default('agent'),
  /** The team's name when senderLabel is `tenant` (and the widget's title by default). */
  displayName: z.string().max(100).nullable().default(null),
  /** Business hours: outside them the widget says "We'll reply by email" even with agents online. Null: always. */
  hours: z
    .object({
      timeZone: z.string().max(64).refine(validTimeZone, 'must be an IANA time zone such as Europe/Oslo'),
      /** 0 Sunday … 6 Saturday. */
      days: z.array(z.number().int().min(0).max(6)).max(7),
      from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      /** Exclusive; `24:00` for the end of the day. */
      to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/),
    })
    .nullable()
    .default(null),
});
export type WidgetOptions = z.infer<typeof WidgetOptions>;

export interface WidgetSettings {
  accountId: string;
  publicKey: string;
  identitySecret: string;
  origins: string[];
  options: WidgetOptions;
}

export interface SessionRequest {
  key: string;
  origin: string | null;
  visitorId?: string;
  /** Identity verification: the host's user id and HMAC-SHA256(identitySecret, userId) in hex. */
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
}

export interface WidgetSession {
  token: string;
  expiresAt: number;
  tenantId: string;
  visitorId: string;
  customerId: string;
  identified: boolean;
  /** Conversations moved from the anonymous visitor to the identified customer by this call. */
  merged: number;
  options: WidgetOptions;
  contact: { name: string | null; email: string | null };
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');
const newPublicKey = () => `wk_${secret(18)}`;
const newVisitorId = () => `v_${secret(16)}`;
const VisitorId = z.string().regex(/^v_[A-Za-z0-9_-]{16,64}$/);

/** The hex HMAC a host sends with a user id so the widget may speak as that user. */
export function userHash(identitySecret: string, userId: string): string {
  return createHmac('sha256', identitySecret).update(userId).digest('hex');
}

/**
 * Anonymous visitors and identity verification for the widget: a tenant's
 * public key and origin allowlist admit a page; a session is a short-lived
 * customer token (signed with JWT_SECRET, so every node and surface verifies it
 * like any other) bound to a server-made visitor id the browser keeps.
 */
export class WidgetService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly users: UserDirectory,
    private readonly signing: { secret: string | undefined; ttlSeconds: number },
    private readonly team: { presence: PresenceService; conversations: ConversationService },
  ) {}

  /**
   * What a customer's widget shows in its header: whether anyone who answers (admin or agent) is online, and
   * who is assigned to the customer's conversation (name only: customers see no directory).
   */
  async status(actor: Actor, conversationId?: string): Promise<{ online: boolean; assignee: { id: string; name: string | null } | null }> {
    const row = await new WidgetSettingsRepo(this.db).get(actor.accountId);
    const hours = row ? WidgetOptions.parse(row.options).hours : null;
    const staffed = (await this.team.presence.online(actor.accountId)).some((r) => r.role === 'admin' || r.role === 'agent');
    const online = staffed && (!hours || withinHours(hours, new Date()));
    const assigneeId = conversationId ? (await this.team.conversations.getReadable(actor, conversationId)).assigneeId : null;
    if (!assigneeId) return { online, assignee: null };
    const user = await new UsersRepo(this.db).get(actor.accountId, assigneeId);
    return { online, assignee: { id: assigneeId, name: user?.name ?? null } };
  }

  /** The caller's tenant's settings, made on first read; admins only (they hold the identity secret). */
  async settings(actor: Actor): Promise<WidgetSettings> {
    if (!can.manageWidget(actor)) throw forbidden('Only an admin manages the widget');
    await new AccountsRepo(this.db).ensure(actor.accountId);
    return toSettings(await new WidgetSettingsRepo(this.db).ensure(actor.accountId, newPublicKey(), secret(32)));
  }

  async update(
    actor: Actor,
    change: { origins?: string[]; options?: Partial<WidgetOptions>; rotate?: Array<'publicKey' | 'identitySecret'> },
  ): Promise<WidgetSettings> {
    const current = await this.settings(actor);
    const options = change.options ? WidgetOptions.parse({ ...current.options, ...change.options }) : undefined;
    const row = await new WidgetSettingsRepo(this.db).update(actor.accountId, {
      origins: change.origins ? [...new Set(change.origins)] : undefined,
      options,
      publicKey: change.rotate?.includes('publicKey') ? newPublicKey() : undefined,
      identitySecret: change.rotate?.includes('identitySecret') ? secret(32) : undefined,
    });
    return toSettings(row as WidgetSettingsRow);
  }

  /** Resolves a public key, refusing unknown keys and pages of origins the tenant did not allow. */
  async admit(key: string, origin: string | null): Promise<WidgetSettings> {
    const row = await new WidgetSettingsRepo(this.db).byPublicKey(key);
    if (!row) throw new AppError('AUTH_TOKEN_INVALID', 'Unknown widget key', { reason: 'UNKNOWN_WIDGET_KEY' });
    if (!origin || !row.origins.includes(origin)) {
      throw new AppError('FORBIDDEN', 'This site is not allowed to use the widget; add its origin in the widget settings', {
        reason: 'ORIGIN_NOT_ALLOWED',
      });
    }
    return toSettings(row);
  }

  async createSession(req: SessionRequest): Promise<WidgetSession> {
    if (!this.signing.secret) throw forbidden('Widget sessions need JWT_SECRET on the server');
    const settings = await this.admit(req.key, req.origin);
    const accountId = settings.accountId;
    const visitorId = req.visitorId && VisitorId.safeParse(req.visitorId).success ? req.visitorId : newVisitorId();
    let customerId = visitorId;
    let merged = 0;
    if (req.userId !== undefined) {
      if (!Id.safeParse(req.userId).success || !req.userHash || !sameHex(req.userHash, userHash(settings.identitySecret, req.userId))) {
        throw new AppError('FORBIDDEN', 'The user hash does not match the user id', { reason: 'IDENTITY_NOT_VERIFIED' });
      }
      customerId = req.userId;
    }
    const existing = await new UsersRepo(this.db).get(accountId, customerId);
    if (existing && existing.role !== 'customer') throw forbidden('This user id belongs to a staff member');
    const contact = { name: req.name ?? existing?.name ?? null, email: req.email ?? existing?.email ?? null };
    const principal: Principal = {
      userId: customerId,
      accountId,
      role: 'customer',
      email: contact.email,
      name: contact.name,
      teamIds: [],
      exp: 0,
    };
    // The pre-chat answers live on the contact (users row), so agents see them and later sessions keep them.
    await this.users.ensure(principal);
    if (customerId !== visitorId) merged = await this.mergeVisitor(accountId, visitorId, customerId);
    const ttl = this.signing.ttlSeconds;
    const token = await signToken(
      this.signing.secret,
      {
        sub: customerId,
        accountId,
        role: 'customer',
        ...(contact.email ? { email: contact.email } : {}),
        ...(contact.name ? { name: contact.name } : {}),
      },
      ttl,
    );
    return {
      token,
      expiresAt: Math.floor(Date.now() / 1000) + ttl,
      tenantId: accountId,
      visitorId,
      customerId,
      identified: customerId !== visitorId,
      merged,
      options: settings.options,
      contact,
    };
  }

  /**
   * Moves the visitor's conversations to the identified customer and logs one `conversation.contact_changed`
   * per conversation in the same transaction, like every other conversation change: staff with the
   * conversation open or listed see the customer at once, and a reconnecting or polling agent replays it.
   * Answers how many moved.
   */
  private async mergeVisitor(accountId: string, visitorId: string, customerId: string): Promise<number> {
    const logged = await this.db.transaction(async (tx) => {
      const moved = await new WidgetSettingsRepo(tx).mergeContact(accountId, visitorId, customerId);
      if (moved.length === 0) return [];
      const user = await new UsersRepo(tx).get(accountId, customerId);
      const contact = contactSummary(customerId, user?.name ?? null, user?.email ?? null);
      const audit = new ConversationEventsRepo(tx);
      const events: DomainEvent[] = [];
      for (const conversation of moved) {
        await audit.append({
          accountId,
          conversationId: conversation.id,
          type: 'contact_changed',
          actorId: customerId,
          data: { from: visitorId, to: customerId },
        });
        events.push({
          type: 'conversation.contact_changed',
          accountId,
          conversation: { ...conversation, contact },
          previousContactId: visitorId,
        });
      }
      return logEvents(tx, events);
    });
    logged.forEach((e) => this.publisher.publish(e));
    return logged.length;
  }
}

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` falls on one of the days, from `from` (inclusive) to `to` (exclusive), in the time zone. */
export function withinHours(hours: NonNullable<WidgetOptions['hours']>, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part('weekday'));
  const time = `${part('hour')}:${part('minute')}`;
  return hours.days.includes(day) && time >= hours.from && time < hours.to;
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toSettings(row: WidgetSettingsRow): WidgetSettings {
  return {
    accountId: row.accountId,
    publicKey: row.publicKey,
    identitySecret: row.identitySecret,
    origins: row.origins,
    options: WidgetOptions.parse(row.options),
  };
}
