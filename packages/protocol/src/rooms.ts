/**
 * Room names, built in one place. Clients name the same rooms several ways
 * (`ws:` and `account:` and `org:` and `tenant:` for a tenant, `conv:` and
 * `conversation:` for a conversation); those are views onto the canonical names
 * below, resolved by {@link resolveRoom}, never separate rooms.
 *
 * Every room but the tenant's own is prefixed with its tenant: ids that come from
 * tokens (users, teams) are only unique within a tenant, and a room shared by two
 * tenants would leak.
 *
 * @example
 * rooms.tenant('acme')                     // 'tenant:acme'
 * rooms.conversation('acme', 'c1')         // 'tenant:acme:conversation:c1'
 * resolveRoom('acme', 'conv:c1')?.name     // 'tenant:acme:conversation:c1'
 */
export const rooms = {
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  /** Staff of a tenant only: what customers of that tenant must not see. */
  tenantStaff: (tenantId: string) => `tenant:${tenantId}:staff`,
  user: (tenantId: string, userId: string) => `tenant:${tenantId}:user:${userId}`,
  agent: (tenantId: string, agentId: string) => `tenant:${tenantId}:agent:${agentId}`,
  team: (tenantId: string, teamId: string) => `tenant:${tenantId}:team:${teamId}`,
  conversation: (tenantId: string, conversationId: string) => `tenant:${tenantId}:conversation:${conversationId}`,
  ticket: (tenantId: string, ticketId: string) => `tenant:${tenantId}:ticket:${ticketId}`,
  /** Watchers of one user's presence (`/presence` namespace). */
  presence: (tenantId: string, userId: string) => `tenant:${tenantId}:presence:${userId}`,
} as const;

export type RoomKind = keyof typeof rooms;

/** Each accepted spelling of a room prefix, what it means, and which seed spells it so (docs/protocol.md). */
export const ROOM_ALIASES: Readonly<Record<string, { kind: RoomKind; seed: string }>> = {
  'ws:': { kind: 'tenant', seed: '000' },
  'account:': { kind: 'tenant', seed: '002' },
  'org:': { kind: 'tenant', seed: '001' },
  'tenant:': { kind: 'tenant', seed: '004' },
  'conv:': { kind: 'conversation', seed: '000' },
  'conversation:': { kind: 'conversation', seed: '002, 004' },
  'user:': { kind: 'user', seed: '001' },
  'agent:': { kind: 'agent', seed: '002' },
  'team:': { kind: 'team', seed: '001, 002' },
  'ticket:': { kind: 'ticket', seed: '001' },
};

export interface ResolvedRoom {
  kind: RoomKind;
  id: string;
  /** The canonical room name, as built by {@link rooms}. */
  name: string;
}

const ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * Reads any accepted room name, within one tenant, and returns the canonical room;
 * null when the name is not one Switchboard knows or names another tenant.
 */
export function resolveRoom(tenantId: string, name: string): ResolvedRoom | null {
  const canonical = resolveCanonical(tenantId, name);
  if (canonical) return canonical;
  const widget = /^tenant:([^:]+):conv:([^:]+)$/.exec(name);
  if (widget) {
    const [, t, id] = widget as unknown as [string, string, string];
    if (t !== tenantId || !ID.test(id)) return null;
    return { kind: 'conversation', id, name: rooms.conversation(tenantId, id) };
  }
  for (const [prefix, { kind }] of Object.entries(ROOM_ALIASES)) {
    if (!name.startsWith(prefix)) continue;
    const id = name.slice(prefix.length);
    if (!ID.test(id) || id.includes(':')) return null;
    if (kind === 'tenant') return id === tenantId ? { kind, id, name: rooms.tenant(id) } : null;
    return { kind, id, name: rooms[kind](tenantId, id) };
  }
  return null;
}

/**
 * A name already built by {@link rooms} resolves to itself, so callers such as
 * the internal emit API can take either spelling. Only the caller's tenant matches.
 */
function resolveCanonical(tenantId: string, name: string): ResolvedRoom | null {
  if (name === rooms.tenantStaff(tenantId)) return { kind: 'tenantStaff', id: tenantId, name };
  for (const kind of Object.keys(rooms) as RoomKind[]) {
    if (kind === 'tenant' || kind === 'tenantStaff') continue;
    const prefix = rooms[kind](tenantId, '');
    if (!name.startsWith(prefix)) continue;
    const id = name.slice(prefix.length);
    return ID.test(id) && !id.includes(':') ? { kind, id, name } : null;
  }
  return null;
}

/** The widget's per-conversation namespace: `/tenant/{tenantId}/conv/{conversationId}`. */
export const WIDGET_NAMESPACE = /^\/tenant\/([A-Za-z0-9_.@-]{1,128})\/conv\/([A-Za-z0-9_.@-]{1,128})$/;
export const widgetNamespace = (tenantId: string, conversationId: string) => `/tenant/${tenantId}/conv/${conversationId}`;

/** The named namespaces. */
export const NAMESPACES = {
  default: '/',
  tickets: '/tickets',
  chat: '/chat',
  notifications: '/notifications',
  presence: '/presence',
  dashboard: '/dashboard',
} as const;
export type NamespaceName = keyof typeof NAMESPACES;
