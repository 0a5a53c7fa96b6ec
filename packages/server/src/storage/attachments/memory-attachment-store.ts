import { Readable } from 'node:stream';

import { assertKey, type AttachmentStore } from './attachment-store';

/** The in-memory twin of the disk store: one process, gone on restart. */
export class MemoryAttachmentStore implements AttachmentStore {
  private readonly files = new Map<string, Buffer>();

  async put(key: string, body: Readable): Promise<void> {
    assertKey(key);
    const chunks: Buffer[] = [];
    // Collected first and stored only when whole, so a failed stream leaves nothing.
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    this.files.set(key, Buffer.concat(chunks));
  }

  async get(key: string): Promise<Readable | null> {
    assertKey(key);
    const bytes = this.files.get(key);
    return bytes ? Readable.from([bytes]) : null;
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    this.files.delete(key);
  }
}
