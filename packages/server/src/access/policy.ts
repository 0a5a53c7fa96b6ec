import { type Conversation, isStaff, type NamespaceName, type Role, STAFF_ROLES, type Ticket } from '@switchboard/protocol';

/** The part of a principal that access decisions read. */
export interface Actor {
  userId: string;
  accountId: string;
  role: Role;
  teamIds: string[];
}

/**
 * Who may do what: pure functions of the actor and the row, so every surface
 * (sockets, HTTP, bridges) asks the same question the same way.
 * Tenants never see each other; customers see only their own conversations;
 * viewers read and never write.
 */
export const can = {
  readConversation(a: Actor, c: Pick<Conversation, 'accountId' | 'contactId'>): boolean {
    if (c.accountId !== a.accountId) return false;
    return isStaff(a.role) || c.contactId === a.userId;
  },
  writeToConversation(a: Actor, c: Pick<Conversation, 'accountId' | 'contactId' | 'status'>): boolean {
    if (!can.readConversation(a, c)) return false;
    return a.role !== 'viewer';
  },
  manageConversation(a: Actor, c: Pick<Conversation, 'accountId'>): boolean {
    return c.accountId === a.accountId && (a.role === 'admin' || a.role === 'agent');
  },
  createConversationFor(a: Actor, contactId: string | null): boolean {
    if (a.role === 'customer') return contactId === null || contactId === a.userId;
    return a.role === 'admin' || a.role === 'agent';
  },
  readTicket(a: Actor, t: Pick<Ticket, 'accountId'>): boolean {
    return t.accountId === a.accountId && isStaff(a.role);
  },
  manageTickets(a: Actor): boolean {
    return a.role === 'admin' || a.role === 'agent';
  },
  readTenantPresence(a: Actor): boolean {
    return isStaff(a.role);
  },
  viewDashboard(a: Actor): boolean {
    return a.role === 'admin';
  },
  /** AI agents, rules, knowledge and credit top-ups (issue 6). */
  manageAi(a: Actor): boolean {
    return a.role === 'admin';
  },
  /** The widget's key, allowed origins and identity secret (issue 17). */
  manageWidget(a: Actor): boolean {
    return a.role === 'admin';
  },
  /** Assignment targets are people who work conversations. */
  beAssigned(role: Role): boolean {
    return role === 'admin' || role === 'agent';
  },
  changeTicket(a: Actor, t: Pick<Ticket, 'accountId'>): boolean {
    return can.readTicket(a, t) && can.manageTickets(a);
  },
  /** Typing is writing: viewers follow tickets but never type on them. */
  typeOnTicket(a: Actor, t: Pick<Ticket, 'accountId'>): boolean {
    return can.changeTicket(a, t);
  },
  /**
   * Whether the actor's receipt moves a message's delivery status, which its sender and the customer
   * see as ticks. A viewer's read position is its own: stored, never shown to anyone as "read".
   */
  moveDeliveryStatus(a: Actor): boolean {
    return a.role !== 'viewer';
  },
  /** Watching a user's presence; the user ids themselves are resolved within the actor's tenant. */
  watchPresence(a: Actor): boolean {
    return isStaff(a.role);
  },
};

/**
 * A conversation as a customer may see it, on every surface (HTTP reads, live events, replay): the
 * AI's reading and the tenant's labels are the team's view of a customer (issue 16).
 */
export function customerView(c: Conversation): Conversation {
  const { labels: _labels, ...rest } = c;
  return { ...rest, classification: null };
}

/**
 * Namespaces closed to some roles at the handshake: customers never reach
 * tickets or other people's presence, and `/dashboard` is for admins.
 * Namespaces not listed are open to every authenticated role.
 */
export const NAMESPACE_ROLES: Partial<Record<NamespaceName, readonly Role[]>> = {
  tickets: STAFF_ROLES,
  presence: STAFF_ROLES,
  dashboard: ['admin'],
};
