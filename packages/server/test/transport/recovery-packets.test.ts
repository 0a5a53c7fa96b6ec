import { describe, expect, it } from 'vitest';

import { NOBODY, RecoveryPackets } from '../../src/transport/recovery-packets';

const WINDOW = 120_000;

/** A store on a clock moved by hand, keeping packets as the default namespace's encoder writes them. */
function store(prefix = '2') {
  let now = 1_000_000;
  const kept = new RecoveryPackets(WINDOW, prefix, () => now);
  /** Keeps `data` for `rooms`, then hands over its encoding, as the adapter does around a broadcast. */
  const broadcast = (rooms: string[], data: unknown[], except: string[] = []) => {
    const offset = kept.keep(new Set(rooms), new Set(except), data);
    data.push(offset);
    kept.encoded(offset, [`${prefix}${JSON.stringify(data)}`]);
    return offset;
  };
  return { kept, broadcast, tick: (ms: number) => (now += ms) };
}

describe('RecoveryPackets (what a namespace keeps for connection state recovery)', () => {
  it('gives a returning socket every packet after its offset that reached one of its rooms, in order, decoded from its text', () => {
    const { kept, broadcast } = store();
    const from = broadcast(['conv-1'], ['new_message', { n: 0 }]);
    const sent = [
      broadcast(['conv-1'], ['new_message', { n: 1 }]),
      broadcast(['conv-2'], ['new_message', { n: 2 }]),
      broadcast(['staff', 'conv-1'], ['conversation_updated', { n: 3 }]),
      broadcast([], ['maintenance', { n: 4 }]),
    ];
    expect(kept.after(from, ['sid-a', 'conv-1'])).toEqual([
      ['new_message', { n: 1 }, sent[0]],
      ['conversation_updated', { n: 3 }, sent[2]],
      ['maintenance', { n: 4 }, sent[3]],
    ]);
    expect(kept.after(from, ['sid-b', 'conv-2'])).toEqual([
      ['new_message', { n: 2 }, sent[1]],
      ['maintenance', { n: 4 }, sent[3]],
    ]);
  });

  it('keeps the text, not the objects: what a restore returns is a fresh decoding, not the packet that was sent', () => {
    const { kept, broadcast } = store();
    const from = broadcast(['conv-1'], ['a']);
    const payload = { text: 'hello' };
    broadcast(['conv-1'], ['new_message', payload]);
    payload.text = 'changed after sending';
    const [restored] = kept.after(from, ['conv-1'])!;
    expect(restored![1]).toEqual({ text: 'hello' });
    expect(restored![1]).not.toBe(payload);
  });

  it('strips a namespace’s prefix before decoding', () => {
    const { kept, broadcast } = store('2/widget-c1,');
    const from = broadcast(['room'], ['a']);
    const next = broadcast(['room'], ['message', { text: 'x' }]);
    expect(kept.after(from, ['room'])).toEqual([['message', { text: 'x' }, next]]);
  });

  it('leaves out packets whose except rooms include one of the socket’s rooms', () => {
    const { kept, broadcast } = store();
    const from = broadcast(['conv-1'], ['a']);
    broadcast(['conv-1'], ['conversation_updated', { view: 'customer' }], ['staff']);
    expect(kept.after(from, ['conv-1', 'staff'])).toEqual([]);
    expect(kept.after(from, ['conv-1'])).toHaveLength(1);
  });

  it('keeps the data itself when the encoding is not one text packet (binary attachments)', () => {
    const { kept } = store();
    const from = kept.keep(new Set(['r']), undefined, ['a']);
    kept.encoded(from, ['2["a"]']);
    const attachment = Buffer.from('x');
    const data: unknown[] = ['file', { bytes: attachment }];
    const offset = kept.keep(new Set(['r']), undefined, data);
    data.push(offset);
    // How socket.io-parser encodes it: the JSON with the buffer's place marked, then the buffer itself.
    const json = JSON.stringify(['file', { bytes: { _placeholder: true, num: 0 } }, offset]);
    kept.encoded(offset, [`51-${json}`, attachment]);
    expect(kept.after(from, ['r'])).toEqual([data]);
  });

  it('keeps an offset-only packet as a place to resume from, and never replays it', () => {
    const { kept, broadcast } = store();
    const auth = kept.keep(new Set(['sid-a']), undefined, null);
    const next = broadcast(['sid-a'], ['note', 1]);
    expect(kept.after(auth, ['sid-a'])).toEqual([['note', 1, next]]);
    const later = broadcast([NOBODY], ['x']);
    expect(kept.after(next, ['sid-a'])).toEqual([]);
    expect(kept.after(later, ['sid-a'])).toEqual([]);
  });

  it('forgets packets once the window has passed, and then cannot resume from them', () => {
    const { kept, broadcast, tick } = store();
    const old = broadcast(['r'], ['old']);
    tick(60_000);
    const mid = broadcast(['r'], ['mid']);
    tick(WINDOW - 30_000);
    expect(kept.after(old, ['r'])).toBeNull();
    expect(kept.after(mid, ['r'])).toEqual([]);
    expect(kept.size).toBe(1);
    tick(60_000);
    expect(kept.size).toBe(0);
  });

  it('restores the same packets from sealed chunks as from the open one, binary and offset-only packets included', () => {
    const { kept, broadcast } = store();
    const from = broadcast(['r'], ['start']);
    const expected: unknown[][] = [];
    for (let i = 0; i < 600; i++) {
      if (i % 100 === 7) {
        kept.keep(new Set(['r']), undefined, null);
      } else if (i % 100 === 9) {
        const data: unknown[] = ['file', i];
        data.push(kept.keep(new Set(['r']), undefined, data));
        expected.push(data);
      } else if (i % 2) {
        expected.push(['m', { i, text: 'é ✓' }, broadcast(['r', 'staff'], ['m', { i, text: 'é ✓' }], ['sid-x'])]);
      } else {
        broadcast(['other'], ['m', i]);
      }
    }
    expect(kept.after(from, ['r'])).toEqual(expected);
    expect(kept.after(from, ['r', 'sid-x'])).toEqual(expected.filter((d) => d[0] === 'file'));
  });

  it('finds offsets across many chunks, and refuses offsets it never gave', () => {
    const { kept, broadcast, tick } = store();
    const offsets: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      offsets.push(broadcast([`r${i % 3}`], ['m', i]));
      if (i % 2_500 === 0) tick(1_000);
    }
    const missed = kept.after(offsets[5_000]!, ['r0'])!;
    expect(missed.map((d) => d[1])).toEqual(Array.from({ length: 10_000 }, (_, i) => i).filter((i) => i > 5_000 && i % 3 === 0));
    expect(kept.after(offsets[9_999]!, ['r0'])).toEqual([]);
    for (const bad of ['~zzzzzz', 'abc', '~', '~-1', '~1.5', '']) expect(kept.after(bad, ['r0'])).toBeNull();
  });
});
