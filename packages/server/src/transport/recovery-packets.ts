/**
 * The packets a namespace keeps for connection state recovery, stored as the text that went on the
 * wire, a few hundred packets to a string, rather than as the objects that were encoded.
 *
 * Why: at 1,000 messages/s a node keeps two packets a message for the whole window (2–3 min). As
 * objects (the payload's graph, its data array, a room Set and a record each) that was ~17 heap
 * objects and 1.2 KiB a packet: 513,000 live objects after 25 s of chat, all marked by every major
 * GC, whose pauses of 60–270 ms were the PostgreSQL chat p99. One string a packet still left 240,000
 * objects at 2 min and 40–70 ms of marking (docs/decisions.md, "The recovery window in the heap").
 * Sealed, a chunk of up to CHUNK_PACKETS packets is a handful of objects: one string of their texts,
 * where each ends, and who each was for. The text already exists (the adapter encodes a broadcast
 * once for all its sockets), so keeping it costs a copy, not an encoding; a packet is decoded again
 * only when a client actually recovers.
 *
 * Chunks span at most CHUNK_MS and are dropped whole once their newest packet is older than the
 * window (on the next packet, restore or sweep, whichever comes first).
 */

/** A room no socket is ever in (socket ids and room names never start with a space). */
export const NOBODY = ' nobody';

/** Who a packet was for, as Socket.IO decides it: any of `rooms` (everyone when empty), none of `except`. */
type Audience = [rooms: string[], except: string[]];

/** A chunk still taking packets. */
interface OpenChunk {
  sealed: false;
  /** Offset number of the first packet; the others follow without gaps. */
  first: number;
  opened: number;
  /** When the newest packet was kept (ms). */
  newest: number;
  /** The packet as the encoder wrote it (prefix included); its data until then, or when it was not one text packet; null for an offset only. */
  packets: (string | unknown[] | null)[];
  audienceOf: number[];
  audiences: Audience[];
  /** Audience index by key: a packet's single room, or its rooms and exceptions spelled out. */
  audienceKeys: Map<string, number>;
}

/** A chunk that takes no more packets, in as few objects as possible. */
interface SealedChunk {
  sealed: true;
  first: number;
  newest: number;
  count: number;
  /** Every packet's text, one after the other (empty for offset-only and binary packets). */
  text: string;
  /** Where each packet's text ends in `text`; it starts where the previous one ends. */
  ends: Uint32Array;
  audienceOf: Uint16Array;
  /** The chunk's audiences as JSON, read only by a restore. */
  audiences: string;
  /** Binary packets, by index, kept as data. */
  objects: Map<number, unknown[]> | null;
}

type Chunk = OpenChunk | SealedChunk;

const CHUNK_PACKETS = 256;
const CHUNK_MS = 1000;

/**
 * Offsets are numbers counted by each store, in base 36 after a mark outside the alphabet of Socket.IO's
 * own offsets. A client's offset is only ever looked up in the store of its own namespace, beside the
 * session it left there.
 */
const OFFSET_MARK = '~';

const offsetOf = (n: number) => `${OFFSET_MARK}${n.toString(36)}`;

function numberOf(offset: string): number | null {
  if (typeof offset !== 'string' || !offset.startsWith(OFFSET_MARK) || offset.length > 12) return null;
  const n = Number.parseInt(offset.slice(1), 36);
  return Number.isSafeInteger(n) && offsetOf(n) === offset ? n : null;
}

const countOf = (chunk: Chunk) => (chunk.sealed ? chunk.count : chunk.packets.length);

export class RecoveryPackets {
  private readonly chunks: Chunk[] = [];
  /** Number of the next packet kept. */
  private next = 0;
  /** The packet kept last, until its encoding arrives (fields rather than an object a packet). */
  private lastOffset: string | null = null;
  private lastIndex = 0;
  /** Drops what a namespace that fell silent still holds; set only while the store holds packets. */
  private sweep: NodeJS.Timeout | null = null;

  /**
   * @param windowMs how long a packet is kept
   * @param prefix what the encoder writes before a packet's JSON data (type and namespace), which a
   *   restore strips before parsing
   */
  constructor(
    readonly windowMs: number,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keeps a packet about to be broadcast and returns its offset, which the caller pushes onto the
   * packet's data before encoding (as Socket.IO's own adapter does). The packet's `data` is kept
   * until `encoded` swaps it for its text; `data` null keeps only the offset, for a packet whose
   * content is never replayed.
   */
  keep(rooms: ReadonlySet<string>, except: ReadonlySet<string> | undefined, data: unknown[] | null): string {
    const n = this.next++;
    const now = this.now();
    this.prune(now);
    const chunk = this.openChunk(n, now);
    chunk.newest = now;
    chunk.packets.push(data);
    chunk.audienceOf.push(audienceIn(chunk, rooms, except));
    const offset = offsetOf(n);
    this.lastOffset = offset;
    this.lastIndex = chunk.packets.length - 1;
    return offset;
  }

  /**
   * The encoder's output for the packet just kept under `offset`: when it is the single text packet
   * expected, it replaces the data (binary attachments keep the data).
   */
  encoded(offset: string, encoded: unknown): void {
    const mine = this.lastOffset === offset;
    this.lastOffset = null;
    const chunk = this.chunks.at(-1);
    if (!mine || !chunk || chunk.sealed || !Array.isArray(encoded) || encoded.length !== 1) return;
    const text: unknown = encoded[0];
    if (typeof text === 'string' && text.startsWith(this.prefix)) chunk.packets[this.lastIndex] = text;
  }

  /** The data of every kept packet after `offset` that a socket in `socketRooms` was sent; null when the offset is not held. */
  after(offset: string, socketRooms: readonly string[]): unknown[][] | null {
    this.prune(this.now());
    const n = numberOf(offset);
    if (n === null) return null;
    const at = this.chunkHolding(n);
    if (at < 0) return null;
    const missed: unknown[][] = [];
    for (let c = at; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const from = c === at ? n - chunk.first + 1 : 0;
      if (chunk.sealed) this.missedInSealed(chunk, from, socketRooms, missed);
      else this.missedInOpen(chunk, from, socketRooms, missed);
    }
    return missed;
  }

  /** Packets held now. */
  get size(): number {
    this.prune(this.now());
    let size = 0;
    for (const chunk of this.chunks) size += countOf(chunk);
    return size;
  }

  private openChunk(n: number, now: number): OpenChunk {
    const last = this.chunks.at(-1);
    if (last && !last.sealed && last.packets.length < CHUNK_PACKETS && now - last.opened < CHUNK_MS) return last;
    if (last && !last.sealed) this.chunks[this.chunks.length - 1] = seal(last);
    const chunk: OpenChunk = {
      sealed: false,
      first: n,
      opened: now,
      newest: now,
      packets: [],
      audienceOf: [],
      audiences: [],
      audienceKeys: new Map(),
    };
    this.chunks.push(chunk);
    this.sweep ??= this.sweepLater();
    return chunk;
  }

  private missedInSealed(chunk: SealedChunk, from: number, socketRooms: readonly string[], missed: unknown[][]): void {
    if (from >= chunk.count) return;
    const audiences = JSON.parse(chunk.audiences) as Audience[];
    for (let i = from; i < chunk.count; i++) {
      if (!sentTo(socketRooms, audiences[chunk.audienceOf[i]!]!)) continue;
      const data = chunk.objects?.get(i);
      const start = i === 0 ? 0 : chunk.ends[i - 1]!;
      if (data) missed.push(data);
      else if (chunk.ends[i]! > start) missed.push(JSON.parse(chunk.text.slice(start + this.prefix.length, chunk.ends[i])) as unknown[]);
    }
  }

  private missedInOpen(chunk: OpenChunk, from: number, socketRooms: readonly string[], missed: unknown[][]): void {
    for (let i = from; i < chunk.packets.length; i++) {
      const packet = chunk.packets[i];
      if (packet === null || packet === undefined || !sentTo(socketRooms, chunk.audiences[chunk.audienceOf[i]!]!)) continue;
      missed.push(typeof packet === 'string' ? (JSON.parse(packet.slice(this.prefix.length)) as unknown[]) : packet);
    }
  }

  private chunkHolding(n: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (n < chunk.first) hi = mid - 1;
      else if (n >= chunk.first + countOf(chunk)) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private sweepLater(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.sweep = null;
      this.prune(this.now());
      if (this.chunks.length) this.sweep = this.sweepLater();
    }, this.windowMs + CHUNK_MS);
    timer.unref();
    return timer;
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.chunks.length && this.chunks[drop]!.newest < now - this.windowMs) drop++;
    if (drop) this.chunks.splice(0, drop);
  }
}

/** The index of the packet's audience in the chunk, added when new. */
function audienceIn(chunk: OpenChunk, rooms: ReadonlySet<string>, except: ReadonlySet<string> | undefined): number {
  const single = rooms.size === 1 && !except?.size;
  const roomList = single ? null : [...rooms];
  const exceptList = single || !except ? [] : [...except];
  // A single room is its own key; room names never start with NUL, which starts every other key.
  const key = single ? (rooms.values().next().value as string) : `\u0000${JSON.stringify([roomList, exceptList])}`;
  let index = chunk.audienceKeys.get(key);
  if (index === undefined) {
    index = chunk.audiences.length;
    chunk.audiences.push(single ? [[key], []] : [roomList!, exceptList]);
    chunk.audienceKeys.set(key, index);
  }
  return index;
}

function seal(chunk: OpenChunk): SealedChunk {
  const ends = new Uint32Array(chunk.packets.length);
  const texts: string[] = [];
  let objects: Map<number, unknown[]> | null = null;
  let end = 0;
  chunk.packets.forEach((packet, i) => {
    if (typeof packet === 'string') {
      texts.push(packet);
      end += packet.length;
    } else if (packet !== null) (objects ??= new Map()).set(i, packet);
    ends[i] = end;
  });
  return {
    sealed: true,
    first: chunk.first,
    newest: chunk.newest,
    count: chunk.packets.length,
    text: texts.join(''),
    ends,
    audienceOf: Uint16Array.from(chunk.audienceOf),
    audiences: JSON.stringify(chunk.audiences),
    objects,
  };
}

/** Socket.IO's rule for whether a packet reached a socket: in one of its rooms (or sent to all), and in none excepted. */
function sentTo(socketRooms: readonly string[], [rooms, except]: Audience): boolean {
  const included = rooms.length === 0 || rooms.some((r) => socketRooms.includes(r));
  return included && !except.some((r) => socketRooms.includes(r));
}
