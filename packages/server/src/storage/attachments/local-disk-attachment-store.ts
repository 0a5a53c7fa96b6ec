import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { assertKey, type AttachmentStore } from './attachment-store';

/**
 * Attachments as files in one directory (DATA_DIR/attachments). A file is written under a temporary
 * name and renamed when complete, so a reader never sees half an upload and a failed one leaves
 * nothing. Several nodes must share the directory (a shared volume: docs/deploy.md).
 */
export class LocalDiskAttachmentStore implements AttachmentStore {
  private ready: Promise<unknown> | null = null;

  constructor(private readonly dir: string) {}

  async put(key: string, body: Readable): Promise<void> {
    assertKey(key);
    await (this.ready ??= mkdir(this.dir, { recursive: true }));
    const final = this.path(key);
    const partial = `${final}.${process.pid}.${Date.now()}.part`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, final);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable | null> {
    assertKey(key);
    const path = this.path(key);
    try {
      if (!(await stat(path)).isFile()) return null;
    } catch {
      return null;
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    return join(this.dir, key);
  }
}
