import { describe, expect, it } from 'vitest';

import { Lifecycle } from '../src/lifecycle';

describe('Lifecycle', () => {
  it('runs teardown steps last registered, first run, awaiting each', async () => {
    const lifecycle = new Lifecycle();
    const ran: string[] = [];
    lifecycle.onClose('database', () => void ran.push('database'));
    lifecycle.onClose('cache', async () => {
      await Promise.resolve();
      ran.push('cache');
    });
    lifecycle.onClose('sockets', () => void ran.push('sockets'));
    await lifecycle.close();
    expect(ran).toEqual(['sockets', 'cache', 'database']);
  });

  it('runs every step although one fails, then reports the failure by name', async () => {
    const lifecycle = new Lifecycle();
    const ran: string[] = [];
    lifecycle.onClose('database', () => void ran.push('database'));
    lifecycle.onClose('bridge', () => {
      throw new Error('broker gone');
    });
    lifecycle.onClose('sockets', () => void ran.push('sockets'));
    const err = await lifecycle.close().catch((e: unknown) => e as Error);
    expect(ran).toEqual(['sockets', 'database']);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('closing bridge failed');
    expect(((err as Error).cause as Error).message).toBe('broker gone');
  });

  it('gathers several failures into one AggregateError', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.onClose('a', () => Promise.reject(new Error('a')));
    lifecycle.onClose('b', () => Promise.reject(new Error('b')));
    const err = await lifecycle.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['closing b failed', 'closing a failed']);
  });

  it('closes once: a second close gets the same promise, and closing is visible while the steps run', async () => {
    const lifecycle = new Lifecycle();
    let runs = 0;
    let release!: () => void;
    lifecycle.onClose('slow', () => {
      runs += 1;
      return new Promise<void>((r) => (release = r));
    });
    expect(lifecycle.closing).toBe(false);
    const first = lifecycle.close();
    const second = lifecycle.close();
    expect(second).toBe(first);
    expect(lifecycle.closing).toBe(true);
    expect(() => lifecycle.onClose('late', () => undefined)).toThrow(/already closing/);
    release();
    await first;
    expect(runs).toBe(1);
  });
});
