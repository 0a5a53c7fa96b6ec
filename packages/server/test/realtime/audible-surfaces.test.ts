import { createServer } from 'node:http';

import { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { EphemeralEvent } from '../../src/domain/domain-event';
import { AudibleRooms } from '../../src/realtime/audible-rooms';
import { Broadcaster } from '../../src/realtime/broadcaster';
import { deliver, type Delivery, roomName, type Surface } from '../../src/realtime/delivery';
import type { AppIo } from '../../src/transport/socket-types';
import { WidgetNamespaces } from '../../src/transport/widget-namespaces';

const typing: EphemeralEvent = {
  type: 'typing',
  accountId: 'a1',
  conversationId: 'c1',
  userId: 'u1',
  name: null,
  role: 'agent',
  typing: false,
};

const conv = { kind: 'conversation', id: 'c1' } as const;

function newIo(): AppIo {
  return new Server(createServer());
}

const ios: AppIo[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const io of ios.splice(0)) await io.close();
});

describe('AudibleRooms.anyIn: whether a namespace or a vocabulary has anyone on this node', () => {
  it('follows the rooms of each vocabulary of the default namespace, and each named namespace as a whole', () => {
    const io = newIo();
    ios.push(io);
    const audible = new AudibleRooms(io, 0);
    const root = io.of('/');
    const chat = io.of('/chat');
    expect(audible.anyIn(root, 'portal')).toBe(false);
    expect(audible.anyIn(chat)).toBe(false);

    void root.adapter.addAll('s1', new Set(['s1', 'portal|conversation:a1:c1', 'portal|tenant:a1']));
    expect(audible.anyIn(root, 'portal')).toBe(true);
    expect(audible.anyIn(root, 'default')).toBe(false);
    expect(audible.anyIn(root)).toBe(true);

    void root.adapter.del('s1', 'portal|tenant:a1');
    expect(audible.anyIn(root, 'portal')).toBe(true);
    root.adapter.delAll('s1');
    expect(audible.anyIn(root, 'portal')).toBe(false);

    void chat.adapter.addAll('s2', new Set(['s2']));
    expect(audible.anyIn(chat)).toBe(true);
    chat.adapter.delAll('s2');
    expect(audible.anyIn(chat)).toBe(false);
  });

  it('keeps a vocabulary heard for the recovery window after its last room emptied', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const io = newIo();
    ios.push(io);
    const audible = new AudibleRooms(io, 60_000);
    const root = io.of('/');
    void root.adapter.addAll('s1', new Set(['widget|conversation:a1:c1']));
    root.adapter.delAll('s1');
    vi.advanceTimersByTime(59_000);
    expect(audible.anyIn(root, 'widget')).toBe(true);
    expect(audible.any(root, ['widget|conversation:a1:c1'])).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(audible.anyIn(root, 'widget')).toBe(false);
    expect(audible.any(root, ['widget|conversation:a1:c1'])).toBe(false);
  });
});

describe('Broadcaster: a renderer of a surface nobody hears is not run', () => {
  function setUp(surface: Surface) {
    const io = newIo();
    ios.push(io);
    const emitted: string[] = [];
    const b = new Broadcaster({ io, widgets: new WidgetNamespaces(io), onEmit: (event) => emitted.push(event) });
    let renders = 0;
    const render = (e: EphemeralEvent | object): Delivery[] => {
      renders++;
      return 'type' in e && e.type === 'typing' ? [deliver(surface, { name: 'probe' } as never, [conv], {})] : [];
    };
    b.addRenderer(render, surface);
    return { io, b, emitted, renders: () => renders };
  }

  it('on a named namespace: rendered and emitted once a socket is there', () => {
    const { io, b, emitted, renders } = setUp({ ns: '/chat' });
    b.signal(typing);
    expect(renders()).toBe(0);
    void io.of('/chat').adapter.addAll('s1', new Set(['s1', roomName('a1', conv, { ns: '/chat' })]));
    b.signal(typing);
    expect(renders()).toBe(1);
    expect(emitted).toContain('probe');
  });

  it('in a vocabulary of the default namespace: other vocabularies having sockets does not make it heard', () => {
    const { io, b, emitted, renders } = setUp({ ns: '/', dialect: 'portal' });
    void io.of('/').adapter.addAll('s1', new Set(['s1', roomName('a1', conv, { ns: '/', dialect: 'default' })]));
    b.signal(typing);
    expect(renders()).toBe(0);
    void io.of('/').adapter.addAll('s2', new Set(['s2', roomName('a1', conv, { ns: '/', dialect: 'portal' })]));
    b.signal(typing);
    expect(renders()).toBe(1);
    expect(emitted).toContain('probe');
  });
});
