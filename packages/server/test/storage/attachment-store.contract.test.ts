import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, describe, expect, it } from 'vitest';

import type { AttachmentStore } from '../../src/storage/attachments/attachment-store';
import { LocalDiskAttachmentStore } from '../../src/storage/attachments/local-disk-attachment-store';
import { MemoryAttachmentStore } from '../../src/storage/attachments/memory-attachment-store';

async function bytesOf(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that sends `before` and then fails, like an upload cut off by its size guard or a client that left. */
function failingAfter(before: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield before;
      throw new Error('cut off');
    })(),
  );
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => Promise<{ store: AttachmentStore; files?: () => Promise<string[]> }>]> = [
  ['memory', async () => ({ store: new MemoryAttachmentStore() })],
  [
    'local disk',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sb-attachments-'));
      dirs.push(dir);
      const root = join(dir, 'attachments');
      return { store: new LocalDiskAttachmentStore(root), files: async () => readdir(root).catch(() => []) };
    },
  ],
];

describe.each(stores)('attachment store contract [%s]', (_name, make) => {
  it('gives back exactly the bytes it was given, streamed in chunks', async () => {
    const { store } = await make();
    const parts = [Buffer.from('hello '), Buffer.alloc(200_000, 7), Buffer.from(' world')];
    await store.put('a1', Readable.from(parts));
    expect((await bytesOf(await store.get('a1')))?.equals(Buffer.concat(parts))).toBe(true);
  });

  it('answers null for a key it never stored, and after delete', async () => {
    const { store } = await make();
    expect(await store.get('missing')).toBeNull();
    await store.put('gone', Readable.from([Buffer.from('x')]));
    await store.delete('gone');
    expect(await store.get('gone')).toBeNull();
    await store.delete('gone');
  });

  it('keeps nothing of a body that fails part way, and rejects with its error', async () => {
    const { store, files } = await make();
    await expect(store.put('half', failingAfter(Buffer.alloc(1_000, 1)))).rejects.toThrow('cut off');
    expect(await store.get('half')).toBeNull();
    if (files) expect(await files()).toEqual([]);
  });

  it('refuses keys that could name a path outside the store', async () => {
    const { store } = await make();
    for (const key of ['../etc', 'a/b', '', '.', 'x\u0000y']) {
      await expect(store.put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(/invalid attachment key/);
      await expect(store.get(key)).rejects.toThrow(/invalid attachment key/);
    }
  });
});
