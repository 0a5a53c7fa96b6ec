import { defaultClient as C, defaultServer as S } from '@switchboard/protocol';
import { expect, it } from 'vitest';

import { ENGINES } from '../support/databases';
import { ask, nextEvent } from '../support/events';
import { ManualClock } from '../support/manual-clock';
import { forEachServer } from '../support/server';
import { cast } from './setup';

const TIMEOUT = 5_000;
/** The sweep that announces automatic stops runs every 250 ms of the clock at most. */
const SWEEP = 250;

/** Typing's timeout on a hand-moved server clock; sockets and the database stay on real time. */
forEachServer(
  'typing timeout on a hand-moved clock',
  (t) => {
    /** This block's server clock (the engines' blocks run at once, each on its own). */
    const clockOf = () => t.sb().services.clock as ManualClock;

    it('stops typing by itself once the timeout passes, not before', async () => {
      const clock = clockOf();
      const c = await cast(t, 'tclk1');
      const started = nextEvent(c.agent, S.typing_start);
      await ask(c.customer, C.typing_start, { conversationId: c.conversationId });
      await started;
      const since = clock.now();
      const stopped = () => c.receivers(S.typing_stop);

      await clock.advanceTo(since + TIMEOUT - 1);
      await c.settled();
      expect(stopped()).toEqual([]);
      const stop = nextEvent(c.agent, S.typing_stop);
      await clock.advanceTo(since + TIMEOUT + SWEEP);
      expect(await stop).toMatchObject({ conversationId: c.conversationId, userId: 'tclk1-cust' });
      await c.settled();
      expect(stopped()).toEqual(['agent']);
    });

    it('stops typing when the typist sends, and the timeout passing later announces nothing more', async () => {
      const clock = clockOf();
      const c = await cast(t, 'tclk2');
      const started = nextEvent(c.customer, S.typing_start);
      await ask(c.agent, C.typing_start, { conversationId: c.conversationId });
      await started;
      const stop = nextEvent(c.customer, S.typing_stop);
      await ask(c.agent, C.send_message, { conversationId: c.conversationId, content: 'done typing' });
      expect(await stop).toMatchObject({ userId: 'tclk2-agent' });

      await clock.advance(TIMEOUT + SWEEP);
      await c.settled();
      expect(c.log.get('customer')!.filter((e) => e.event === S.typing_stop.name)).toHaveLength(1);
    });
  },
  // The SLA scheduler follows the same clock: one poll an hour keeps these moves cheap.
  { TYPING_TIMEOUT_MS: TIMEOUT, SLA_POLL_MS: 3_600_000 },
  ENGINES,
  () => ({ clock: new ManualClock() }),
  // Most of it is round trips and the database: both engines at once.
  { enginesAtOnce: true },
);
