import type { Notification } from '@switchboard/protocol';

import type { Queryable } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import { UsersRepo } from '../storage/repos/users';
import type { LoggedEvent } from './domain-event';

export interface NotificationDraft {
  userId: string;
  kind: Notification['kind'];
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/** The facts that can notify someone; everything else is skipped before any query. */
const NOTIFYING = new Set<LoggedEvent['type']>([
  'ticket.assigned',
  'conversation.assigned',
  'conversation.created',
  'message.created',
  'ticket.sla_alert',
  'handoff.triggered',
]);

/**
 * Which stored notifications a fact causes, and for whom: the assignee of a
 * ticket or conversation (unless they assigned themselves), people @mentioned
 * by staff, the team of a new conversation, whoever answers for a ticket whose
 * SLA clock warns or runs out, and whoever answers for a handed-off conversation.
 * "Whoever answers" is the assignee, else the team, else the tenant's admins.
 */
export async function notificationsFor(e: LoggedEvent, q: Queryable): Promise<NotificationDraft[]> {
  if (!NOTIFYING.has(e.type)) return [];
  const staff = new StaffDirectory(q, e.accountId);
  switch (e.type) {
    case 'ticket.assigned':
      if (!e.agent || e.agent.id === e.by) return [];
      return [
        {
          userId: e.agent.id,
          kind: 'assigned',
          title: 'Ticket assigned to you',
          message: e.ticket.subject,
          data: { ticketId: e.ticket.id, by: e.by },
        },
      ];
    case 'conversation.assigned': {
      const to = e.conversation.assigneeId;
      if (!to || to === e.by) return [];
      return [
        {
          userId: to,
          kind: 'assigned',
          title: 'Conversation assigned to you',
          message: e.conversation.subject ?? 'A conversation',
          data: { conversationId: e.conversation.id, by: e.by },
        },
      ];
    }
    case 'conversation.created': {
      const teamId = e.conversation.teamId;
      if (!teamId) return [];
      return (await staff.team(teamId)).map((userId) => ({
        userId,
        kind: 'new_conversation' as const,
        title: 'New conversation in your team',
        message: e.conversation.subject ?? 'A new conversation',
        data: { conversationId: e.conversation.id, teamId },
      }));
    }
    case 'message.created': {
      const { message } = e;
      if (message.role !== 'HUMAN_AGENT' || !message.content.includes('@')) return [];
      const mentioned = await staff.mentionedIn(message.content);
      return mentioned
        .filter((id) => id !== message.senderId)
        .map((userId) => ({
          userId,
          kind: 'mentioned' as const,
          title: 'You were mentioned',
          message: message.content.slice(0, 200),
          data: { conversationId: message.conversationId, messageId: message.id, senderId: message.senderId },
        }));
    }
    case 'ticket.sla_alert': {
      const { ticket } = e;
      const warning = e.kind === 'warning';
      const recipients = await staff.answerFor(ticket.assigneeId, ticket.teamId);
      return recipients.map((userId) => ({
        userId,
        kind: warning ? ('sla_warning' as const) : ('sla_breached' as const),
        title: warning ? `SLA warning: ${e.minutesLeft} min left` : 'SLA breached',
        message: ticket.subject,
        data: { ticketId: ticket.id, target: e.target, dueAt: e.dueAt },
      }));
    }
    case 'handoff.triggered': {
      const conversation = await new ConversationsRepo(q).get(e.accountId, e.conversationId);
      const recipients = await staff.answerFor(conversation?.assigneeId ?? null, conversation?.teamId ?? null);
      return recipients.map((userId) => ({
        userId,
        kind: 'handoff' as const,
        title: 'Conversation handed off to a human',
        message: e.summary || (conversation?.subject ?? 'A conversation needs a person'),
        data: { conversationId: e.conversationId, handoffId: e.handoffId },
      }));
    }
    default:
      return [];
  }
}

/** The tenant's admins and agents, read once per fact. */
class StaffDirectory {
  private users: Promise<Array<{ id: string; name: string | null; role: string; teamIds: string[] }>> | null = null;

  constructor(
    private readonly q: Queryable,
    private readonly accountId: string,
  ) {}

  async team(teamId: string): Promise<string[]> {
    return (await this.all()).filter((u) => u.teamIds.includes(teamId)).map((u) => u.id);
  }

  async answerFor(assigneeId: string | null, teamId: string | null): Promise<string[]> {
    if (assigneeId) return [assigneeId];
    const team = teamId ? await this.team(teamId) : [];
    if (team.length) return team;
    return (await this.all()).filter((u) => u.role === 'admin').map((u) => u.id);
  }

  /** `@userId`, or `@name` with the name's spaces left out; case does not matter. */
  async mentionedIn(content: string): Promise<string[]> {
    const handles = new Set([...content.matchAll(MENTION)].map((m) => (m[1] ?? '').replace(/\.+$/, '').toLowerCase()));
    if (handles.size === 0) return [];
    return (await this.all())
      .filter((u) => handles.has(u.id.toLowerCase()) || (u.name !== null && handles.has(u.name.replace(/\s+/g, '').toLowerCase())))
      .map((u) => u.id);
  }

  private all() {
    this.users ??= new UsersRepo(this.q).listByRole(this.accountId, ['admin', 'agent']);
    return this.users;
  }
}

/** An @ that starts a word (so e-mail addresses are not mentions), then an id-like handle. */
const MENTION = /(?:^|[\s([{,;:!?"'])@([A-Za-z0-9_.@-]+)/g;
