import type { Readable } from 'node:stream';

/**
 * Where the bytes of attachments live (issue 16); their rows are in the database. Keys are chosen
 * by the server (attachment ids), never by a client. Two implementations keep one contract
 * (test/storage/attachment-store.test.ts): on disk under DATA_DIR (local-disk-attachment-store.ts),
 * and in memory (memory-attachment-store.ts) for tests and throwaway servers.
 */
export interface AttachmentStore {
  /**
   * Stores the stream under `key`, whole or not at all: when the stream fails (a size limit cut it,
   * the client went away) the promise rejects with that error and nothing is left under `key`.
   */
  put(key: string, body: Readable): Promise<void>;
  /** The stored bytes as a stream, or null when there are none. */
  get(key: string): Promise<Readable | null>;
  delete(key: string): Promise<void>;
}

/** Keys are attachment ids (UUIDs); anything else could name a path outside the store. */
export function assertKey(key: string): void {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(key)) throw new Error(`invalid attachment key: ${JSON.stringify(key)}`);
}
