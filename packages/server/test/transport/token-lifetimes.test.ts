import { beforeEach, describe, expect, it } from 'vitest';

import { TokenLifetimes } from '../../src/transport/token-lifetimes';
import { ManualClock } from '../support/manual-clock';

interface Holder {
  name: string;
  exp: number;
  connected: boolean;
}

const START = Date.UTC(2026, 0, 1, 9, 0, 0);
const LEAD = 60_000;

/**
 * The component that decides when a connection is asked for a new token and when it is cut, on a clock
 * of its own moved by hand. Not on vitest's fake time: that fakes the whole worker process, which runs
 * file after file (isolate: false), so moving it by hours also ran every timer earlier files had left
 * armed, and under load the tests ran into their 20 s timeout (docs/decisions.md, "Suite wall time, second pass").
 */
describe('TokenLifetimes', () => {
  let heard: string[];
  let lifetimes: TokenLifetimes<Holder>;
  let clock: ManualClock;
  const at = () => clock.now() - START;

  beforeEach(() => {
    clock = new ManualClock(START);
    heard = [];
    lifetimes = new TokenLifetimes<Holder>(
      {
        expiresAt: (h) => h.exp,
        live: (h) => h.connected,
        refresh: (h, expiresAt) => heard.push(`${h.name} refresh ${expiresAt - START} @${at()}`),
        expire: (h) => heard.push(`${h.name} expired @${at()}`),
      },
      LEAD,
      clock,
    );
  });

  const holder = (name: string, expiresInMs: number): Holder => ({ name, exp: START + expiresInMs, connected: true });

  it('asks for a new token `lead` before exp and cuts at exp, neither a moment before', async () => {
    lifetimes.watch(holder('ann', 3_600_000));
    await clock.advance(3_600_000 - LEAD - 1);
    expect(heard).toEqual([]);
    await clock.advance(1);
    expect(heard).toEqual([`ann refresh 3600000 @${3_600_000 - LEAD}`]);
    await clock.advance(LEAD - 1);
    expect(heard).toHaveLength(1);
    await clock.advance(1);
    expect(heard).toEqual([`ann refresh 3600000 @${3_600_000 - LEAD}`, 'ann expired @3600000']);
    await clock.advance(3_600_000);
    expect(heard).toHaveLength(2);
  });

  it('follows the new exp once a refreshed token is watched: the old exp passes without a cut', async () => {
    const ann = holder('ann', 120_000);
    lifetimes.watch(ann);
    await clock.advance(90_000);
    expect(heard).toEqual(['ann refresh 120000 @60000']);
    ann.exp = START + 3_600_000;
    lifetimes.watch(ann);
    await clock.advance(3_600_000 - LEAD - 90_000 - 1);
    expect(heard).toHaveLength(1);
    await clock.advance(LEAD + 1);
    expect(heard).toEqual(['ann refresh 120000 @60000', `ann refresh 3600000 @${3_600_000 - LEAD}`, 'ann expired @3600000']);
  });

  it('asks at once when the token is already inside the lead, and only cuts without refresh', async () => {
    lifetimes.watch(holder('ann', 10_000));
    lifetimes.watch(holder('bob', 3_600_000), { refresh: false });
    expect(heard).toEqual(['ann refresh 10000 @0']);
    await clock.advance(3_600_000);
    expect(heard).toEqual(['ann refresh 10000 @0', 'ann expired @10000', 'bob expired @3600000']);
  });

  it('leaves alone a holder that was cleared or is gone', async () => {
    const ann = holder('ann', 3_600_000);
    const bob = holder('bob', 3_600_000);
    lifetimes.watch(ann);
    lifetimes.watch(bob);
    lifetimes.clear(ann);
    bob.connected = false;
    await clock.advance(2 * 3_600_000);
    expect(heard).toEqual([]);
  });
});
