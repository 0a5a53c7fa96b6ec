import { describe, expect, it } from 'vitest';

import { resolveRoom, ROOM_ALIASES, rooms } from '../src/index';

describe('resolveRoom', () => {
  it.each(Object.entries(ROOM_ALIASES))('reads %s as a view of the canonical room', (prefix, { kind }) => {
    if (kind === 'tenant') {
      expect(resolveRoom('acme', `${prefix}acme`)).toEqual({ kind, id: 'acme', name: rooms.tenant('acme') });
    } else {
      const build: (tenantId: string, id: string) => string = rooms[kind];
      expect(resolveRoom('acme', `${prefix}x_1`)).toEqual({ kind, id: 'x_1', name: build('acme', 'x_1') });
    }
  });

  it('reads 003’s tenant:{t}:conv:{c} as the conversation room', () => {
    expect(resolveRoom('acme', 'tenant:acme:conv:c1')).toEqual({
      kind: 'conversation',
      id: 'c1',
      name: rooms.conversation('acme', 'c1'),
    });
  });

  it.each(Object.entries(ROOM_ALIASES).filter(([, alias]) => alias.kind === 'tenant'))('refuses another tenant’s %s room', (prefix) => {
    expect(resolveRoom('acme', `${prefix}globex`)).toBeNull();
  });

  it('refuses another tenant’s conversation in 003’s spelling', () => {
    expect(resolveRoom('acme', 'tenant:globex:conv:c1')).toBeNull();
  });

  it('refuses names it does not know and ids that try to reach further', () => {
    for (const name of [
      '',
      'ws:',
      'room:1',
      'conv:a:b',
      'conv:a b',
      'tenant:acme:conv:',
      'tenant:acme:user:',
      'tenant:acme:user:a:b',
      'CONV:c1',
    ]) {
      expect(resolveRoom('acme', name), name).toBeNull();
    }
  });

  it('reads a canonical name as itself, within the caller’s tenant only', () => {
    for (const [kind, build] of Object.entries(rooms)) {
      const name = build('acme', 'x_1');
      expect(resolveRoom('acme', name)?.name, kind).toBe(name);
      expect(resolveRoom('acme', name)?.kind, kind).toBe(kind);
      expect(resolveRoom('globex', name), kind).toBeNull();
    }
  });

  it('keeps every canonical room inside its tenant', () => {
    for (const [kind, build] of Object.entries(rooms)) {
      expect(build('acme', 'x'), kind).toMatch(/^tenant:acme(:|$)/);
    }
  });
});
