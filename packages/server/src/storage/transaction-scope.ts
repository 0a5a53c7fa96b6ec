import { AsyncLocalStorage } from 'node:async_hooks';
import { StorageError } from './storage-error';

/**
 * Remembers, per Db instance, whether the current async context is inside one of its transactions,
 * so that using the Db instead of `tx` there fails loudly instead of deadlocking (PGlite) or
 * escaping the transaction (PostgreSQL).
 */
export class TransactionScope {
  readonly #storage = new AsyncLocalStorage<{ open: boolean }>();

  assertOutside(): void {
    if (this.#storage.getStore()?.open) {
      throw new StorageError('misuse', {
        message: 'storage: the Db was used inside its own transaction; use the transaction handle (tx) instead',
      });
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // Work started inside the transaction but finishing after it (fire-and-forget) keeps this
    // context, so the marker is closed rather than relying on the context ending.
    const marker = { open: true };
    try {
      return await this.#storage.run(marker, fn);
    } finally {
      marker.open = false;
    }
  }
}
