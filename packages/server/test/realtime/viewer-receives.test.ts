import { describe, expect, it } from 'vitest';

import type { Delivery, RoomRef } from '../../src/realtime/delivery';
import { roomsOf, type Viewer, viewerReceives } from '../../src/realtime/viewer-receives';

const viewer = (over: Partial<Viewer>): Viewer => ({ ns: '/', dialect: 'default', userId: 'u1', role: 'agent', teamIds: [], ...over });
const to = (...refs: RoomRef[]): Delivery => ({ surface: { ns: '/', dialect: 'default' }, to: refs, event: 'x', payload: {} });

describe('roomsOf', () => {
  it.each([
    ['admin', ['all', 'tenant', 'user:u1', 'tenantStaff', 'agent:u1', 'team:t1']],
    ['agent', ['all', 'tenant', 'user:u1', 'tenantStaff', 'agent:u1', 'team:t1']],
    ['viewer', ['all', 'tenant', 'user:u1', 'tenantStaff', 'agent:u1', 'team:t1']],
    // A customer's token may carry teamIds (whoever signs it decides); they make no rooms.
    ['customer', ['all', 'tenant', 'user:u1']],
  ] as const)('puts a %s in its own rooms, and staff in their teams', (role, rooms) => {
    const refs = roomsOf(viewer({ role, teamIds: ['t1'] }));
    expect(refs.map((r) => ('id' in r ? `${r.kind}:${r.id}` : r.kind))).toEqual(rooms);
  });

  it('puts a socket bound to a conversation in that conversation and its own rooms only', () => {
    const refs = roomsOf(viewer({ role: 'customer', boundConversationId: 'c1', teamIds: ['t1'] }));
    expect(refs).toEqual([{ kind: 'all' }, { kind: 'user', id: 'u1' }, { kind: 'conversation', id: 'c1' }]);
  });
});

describe('viewerReceives', () => {
  it('hears every room roomsOf puts it in, whatever the role', () => {
    for (const role of ['admin', 'agent', 'viewer', 'customer'] as const) {
      const v = viewer({ role, teamIds: ['t1', 't2'] });
      for (const r of roomsOf(v)) expect(viewerReceives(to(r), v), `${role} in ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it.each([
    // [what, delivery rooms, viewer, heard]
    ['a team room, by a member of staff in the team', [{ kind: 'team', id: 't1' }], { teamIds: ['t1'] }, true],
    ['a team room, by staff of another team', [{ kind: 'team', id: 't1' }], { teamIds: ['t2'] }, false],
    ['a team room, by a customer whose token names the team', [{ kind: 'team', id: 't1' }], { role: 'customer', teamIds: ['t1'] }, false],
    ['the staff room, by a customer', [{ kind: 'tenantStaff' }], { role: 'customer' }, false],
    ['another user’s room', [{ kind: 'user', id: 'u2' }], {}, false],
    ['another agent’s room', [{ kind: 'agent', id: 'u2' }], {}, false],
    ['its agent room, by a customer with the same id', [{ kind: 'agent', id: 'u1' }], { role: 'customer' }, false],
    ['a conversation (the log has limited them to readable ones)', [{ kind: 'conversation', id: 'c9' }], { role: 'customer' }, true],
    ['a ticket, by staff', [{ kind: 'ticket', id: 'k1' }], {}, true],
    ['a ticket, by a customer', [{ kind: 'ticket', id: 'k1' }], { role: 'customer' }, false],
    ['a presence room (state, never replayed)', [{ kind: 'presence', id: 'u1' }], {}, false],
    ['another conversation, by a socket bound to one', [{ kind: 'conversation', id: 'c2' }], { boundConversationId: 'c1' }, false],
    ['the tenant room, by a socket bound to a conversation', [{ kind: 'tenant' }], { boundConversationId: 'c1' }, false],
  ] as Array<[string, RoomRef[], Partial<Viewer>, boolean]>)('%s', (_what, rooms, over, heard) => {
    expect(viewerReceives(to(...rooms), viewer(over))).toBe(heard);
  });

  it('does not hear what is sent to a room it is in with itself excepted', () => {
    const d: Delivery = { ...to({ kind: 'conversation', id: 'c1' }), except: [{ kind: 'user', id: 'u1' }] };
    expect(viewerReceives(d, viewer({}))).toBe(false);
    expect(viewerReceives(d, viewer({ userId: 'u2' }))).toBe(true);
  });

  it('hears only its own namespace and vocabulary', () => {
    expect(viewerReceives(to({ kind: 'tenant' }), viewer({ dialect: 'portal' }))).toBe(false);
    expect(viewerReceives({ ...to({ kind: 'tenant' }), surface: { ns: '/tickets' } }, viewer({}))).toBe(false);
    expect(viewerReceives({ ...to({ kind: 'tenant' }), surface: { ns: '/tickets' } }, viewer({ ns: '/tickets' }))).toBe(true);
  });
});
