import type { Role } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';

import { type Actor, can, NAMESPACE_ROLES } from '../../src/access/policy';

/**
 * The access rules as tables: every role against its own tenant's row and another tenant's, so a
 * change to one rule shows up as one changed cell. The live tests (tenant-isolation, access-holes)
 * check that each surface asks these questions; these check the answers.
 */
const ROLES: readonly Role[] = ['admin', 'agent', 'viewer', 'customer'];
const actor = (role: Role, over: Partial<Actor> = {}): Actor => ({ userId: `${role}-1`, accountId: 'acme', role, teamIds: [], ...over });

/** A conversation of `acme` whose customer is `customer-1` (the customer actor), and one of another customer. */
const own = { accountId: 'acme', contactId: 'customer-1', status: 'OPEN' as const };
const someoneElses = { ...own, contactId: 'customer-2' };
const otherTenant = { ...own, accountId: 'globex' };
const ticket = { accountId: 'acme' };
const foreignTicket = { accountId: 'globex' };

describe('can: conversations', () => {
  it.each([
    //  role        own    someone else's  other tenant
    ['admin', true, true, false],
    ['agent', true, true, false],
    ['viewer', true, true, false],
    ['customer', true, false, false],
  ] as const)('%s reads: own %s, another customer’s %s, another tenant’s %s', (role, a, b, c) => {
    expect([
      can.readConversation(actor(role), own),
      can.readConversation(actor(role), someoneElses),
      can.readConversation(actor(role), otherTenant),
    ]).toEqual([a, b, c]);
  });

  it.each([
    ['admin', true, true, false],
    ['agent', true, true, false],
    ['viewer', false, false, false],
    ['customer', true, false, false],
  ] as const)('%s writes: own %s, another customer’s %s, another tenant’s %s', (role, a, b, c) => {
    const who = actor(role);
    expect([
      can.writeToConversation(who, own),
      can.writeToConversation(who, someoneElses),
      can.writeToConversation(who, otherTenant),
    ]).toEqual([a, b, c]);
  });

  it.each([
    ['admin', true, false],
    ['agent', true, false],
    ['viewer', false, false],
    ['customer', false, false],
  ] as const)('%s manages (assign, status): own tenant %s, another tenant %s', (role, mine, theirs) => {
    expect([can.manageConversation(actor(role), own), can.manageConversation(actor(role), otherTenant)]).toEqual([mine, theirs]);
  });

  it.each([
    //  role        for nobody  for itself  for another contact
    ['admin', true, true, true],
    ['agent', true, true, true],
    ['viewer', false, false, false],
    ['customer', true, true, false],
  ] as const)('%s creates a conversation: without contact %s, for itself %s, for another contact %s', (role, none, self, other) => {
    const who = actor(role);
    expect([
      can.createConversationFor(who, null),
      can.createConversationFor(who, who.userId),
      can.createConversationFor(who, 'someone'),
    ]).toEqual([none, self, other]);
  });
});

describe('can: tickets', () => {
  it.each([
    //  role        read   read other tenant  manage  change  change other tenant  type
    ['admin', true, false, true, true, false, true],
    ['agent', true, false, true, true, false, true],
    ['viewer', true, false, false, false, false, false],
    ['customer', false, false, false, false, false, false],
  ] as const)('%s: read %s/%s, manage %s, change %s/%s, type %s', (role, read, readForeign, manage, change, changeForeign, type) => {
    const who = actor(role);
    expect([
      can.readTicket(who, ticket),
      can.readTicket(who, foreignTicket),
      can.manageTickets(who),
      can.changeTicket(who, ticket),
      can.changeTicket(who, foreignTicket),
      can.typeOnTicket(who, ticket),
    ]).toEqual([read, readForeign, manage, change, changeForeign, type]);
  });
});

describe('can: the rest, by role', () => {
  const table: Record<string, { check: (role: Role) => boolean; allowed: readonly Role[] }> = {
    readTenantPresence: { check: (r) => can.readTenantPresence(actor(r)), allowed: ['admin', 'agent', 'viewer'] },
    watchPresence: { check: (r) => can.watchPresence(actor(r)), allowed: ['admin', 'agent', 'viewer'] },
    viewDashboard: { check: (r) => can.viewDashboard(actor(r)), allowed: ['admin'] },
    manageAi: { check: (r) => can.manageAi(actor(r)), allowed: ['admin'] },
    manageWidget: { check: (r) => can.manageWidget(actor(r)), allowed: ['admin'] },
    beAssigned: { check: (r) => can.beAssigned(r), allowed: ['admin', 'agent'] },
    // A viewer's read position is its own: it never moves the ticks others see.
    moveDeliveryStatus: { check: (r) => can.moveDeliveryStatus(actor(r)), allowed: ['admin', 'agent', 'customer'] },
  };
  it.each(Object.entries(table))('%s', (_name, { check, allowed }) => {
    expect(ROLES.filter(check)).toEqual(allowed);
  });

  it('covers every rule in `can`', () => {
    const tabled = ['readConversation', 'writeToConversation', 'manageConversation', 'createConversationFor'];
    tabled.push('readTicket', 'manageTickets', 'changeTicket', 'typeOnTicket', ...Object.keys(table));
    expect(Object.keys(can).sort()).toEqual(tabled.sort());
  });
});

describe('NAMESPACE_ROLES', () => {
  it.each([
    ['tickets', ['admin', 'agent', 'viewer']],
    ['presence', ['admin', 'agent', 'viewer']],
    ['dashboard', ['admin']],
    ['chat', ROLES],
    ['notifications', ROLES],
  ] as const)('/%s admits %j', (ns, roles) => {
    const allowed = NAMESPACE_ROLES[ns] ?? ROLES;
    expect(ROLES.filter((r) => allowed.includes(r))).toEqual(roles);
  });
});
