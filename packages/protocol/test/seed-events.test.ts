import { describe, expect, it } from 'vitest';

import { CATALOGUE, type Direction, insightdesk, namedNamespaces, type Seed, type Surface } from '../src/index';

type Expected = Partial<Record<Surface, Partial<Record<Direction, readonly string[]>>>>;

/** Every event name each seed names, read by hand from ../shared/seeds, where the brief puts it. */
const SEEDS: Record<Seed, Expected> = {
  '000': {
    default: {
      client: ['join_conversation', 'leave_conversation'],
      server: [
        'new_message',
        'user_message',
        'handoff_triggered',
        'conversation_status_changed',
        'agent_status_changed',
        'credits_updated',
      ],
    },
  },
  '001': {
    default: {
      client: ['ping', 'token:update'],
      server: ['pong', 'user:updated', 'system:maintenance', 'token:refresh', 'token:updated', 'error'],
    },
    tickets: {
      client: ['ticket:subscribe', 'ticket:unsubscribe', 'ticket:typing', 'ticket:stopTyping'],
      server: [
        'ticket:created',
        'ticket:updated',
        'ticket:assigned',
        'ticket:message',
        'ticket:typing',
        'ticket:stopTyping',
        'ticket:status',
        'ticket:sla:warning',
        'ticket:sla:breached',
        'ticket:subscribed',
        'error',
      ],
    },
    chat: {
      client: ['chat:join', 'chat:leave', 'chat:message', 'chat:typing', 'chat:read'],
      server: ['chat:message', 'chat:typing', 'chat:read', 'chat:online', 'chat:ended', 'error'],
    },
    notifications: {
      client: ['notification:markRead', 'notification:markAllRead'],
      server: ['notification', 'notification:read', 'notification:count', 'error'],
    },
    presence: {
      client: ['presence:status', 'presence:subscribe', 'presence:unsubscribe'],
      server: ['presence:update', 'presence:list', 'error'],
    },
    dashboard: {
      server: ['metrics:tickets', 'metrics:queue', 'metrics:agents', 'metrics:sla', 'error'],
    },
  },
  '002': {
    default: {
      client: [
        'authenticate',
        'join_conversation',
        'send_message',
        'typing_start',
        'typing_stop',
        'agent_online',
        'agent_offline',
        'update_conversation_status',
        'assign_conversation',
        'unassign_conversation',
      ],
      server: [
        'authenticated',
        'new_message',
        'message_sent',
        'ai_classification',
        'ai_draft',
        'ai_processing_started',
        'ai_processing_completed',
        'typing_start',
        'typing_stop',
        'agent_online',
        'agent_offline',
        'conversation_assigned',
        'conversation_unassigned',
        'error',
      ],
    },
  },
  '003': {
    widget: { server: ['inbound_message', 'status_update'] },
  },
  '004': {
    portal: {
      server: [
        'conversation:new',
        'conversation:updated',
        'conversation:assigned',
        'message:new',
        'message:delivered',
        'typing:start',
        'typing:stop',
      ],
    },
  },
};

const NAMED_SURFACES: readonly Surface[] = ['tickets', 'chat', 'notifications', 'presence', 'dashboard'];

function find(surface: Surface, direction: Direction, name: string) {
  return CATALOGUE.find((e) => e.surface === surface && e.direction === direction && e.name === name);
}

function* expectations(): Generator<[Seed, Surface, Direction, string]> {
  for (const [seed, surfaces] of Object.entries(SEEDS) as Array<[Seed, Expected]>) {
    for (const [surface, directions] of Object.entries(surfaces) as Array<[Surface, Expected[Surface]]>) {
      for (const [direction, names] of Object.entries(directions ?? {}) as Array<[Direction, readonly string[]]>) {
        for (const name of names) yield [seed, surface, direction, name];
      }
    }
  }
}

describe('the catalogue against the seeds', () => {
  it.each([...expectations()])('seed %s: %s %s event %s is catalogued and credits the seed', (seed, surface, direction, name) => {
    const event = find(surface, direction, name);
    expect(event, `${surface} ${direction} ${name} is missing`).toBeDefined();
    expect(event!.seeds).toContain(seed);
  });

  it('declares exactly seed 001’s rows on its five namespaces, nothing invented', () => {
    for (const surface of NAMED_SURFACES) {
      for (const direction of ['client', 'server'] as const) {
        const declared = CATALOGUE.filter((e) => e.surface === surface && e.direction === direction).map((e) => e.name);
        expect(declared.sort(), `${surface} ${direction}`).toEqual([...(SEEDS['001'][surface]?.[direction] ?? [])].sort());
      }
    }
  });

  it('gives every namespace of seed 001 an error event carrying ErrorPayload', () => {
    for (const surface of NAMED_SURFACES) expect(find(surface, 'server', 'error'), surface).toBeDefined();
  });

  it('names each named-namespace group after its surface and direction', () => {
    for (const [key, group] of Object.entries(namedNamespaces)) {
      for (const [name, event] of Object.entries(group)) {
        expect(event.name).toBe(name);
        expect(`${event.surface}${event.direction === 'client' ? 'Client' : 'Server'}`).toBe(key);
      }
    }
  });

  it('keeps the deprecated `insightdesk` export as the same object, for code written against 0.1', () => {
    expect(insightdesk).toBe(namedNamespaces);
  });
});

describe('event names', () => {
  it('are never declared twice in one surface and direction', () => {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const event of CATALOGUE) {
      const key = `${event.surface} ${event.direction} ${event.name}`;
      if (seen.has(key)) duplicates.push(key);
      seen.add(key);
    }
    expect(duplicates).toEqual([]);
  });

  it('do not collide between the three vocabularies that share the default namespace', () => {
    const owner = new Map<string, Surface>();
    const collisions: string[] = [];
    for (const event of CATALOGUE) {
      if (event.direction !== 'server' || !['default', 'portal', 'widget'].includes(event.surface)) continue;
      const other = owner.get(event.name);
      if (other && other !== event.surface) collisions.push(`${event.name}: ${other} and ${event.surface}`);
      owner.set(event.name, event.surface);
    }
    expect(collisions).toEqual([]);
  });

  it('each have a description, a room and at least one seed', () => {
    for (const event of CATALOGUE) {
      expect(event.seeds.length, event.name).toBeGreaterThan(0);
      expect(event.description.trim(), event.name).not.toBe('');
      expect(event.room.trim(), event.name).not.toBe('');
    }
  });
});
