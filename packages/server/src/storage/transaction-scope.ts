import { AsyncLocalStorage } from 'node:async_hooks';

import { StorageError } from './storage-error';

/**
 * Whether to check for the Db being used inside its own transaction: under tests and in development.
 * The check needs AsyncLocalStorage, which on Node 20 turns on async hooks for the whole process:
 * every promise and every `process.nextTick` then pays for context propagation (an await measured
 * ~2.8× slower, and fan-out pays once per recipient's write), so production runs without it.
 */
export function transactionGuardWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'test' || env.NODE_ENV === 'development' || env.STORAGE_GUARD === 'true';
}

/**
 * Remembers, per Db instance, whether the current async context is inside one of its transactions,
 * so that using the Db instead of `tx` there fails loudly instead of deadlocking (PGlite) or
 * escaping the transaction (PostgreSQL). Disabled, it checks nothing and costs nothing.
 */
export class TransactionScope {
  readonly #storage: AsyncLocalStorage<{ open: boolean }> | null;

  constructor(enabled = transactionGuardWanted()) {
    this.#storage = enabled ? new AsyncLocalStorage<{ open: boolean }>() : null;
  }

  assertOutside(): void {
    if (this.#storage?.getStore()?.open) {
      throw new StorageError('misuse', {
        message: 'storage: the Db was used inside its own transaction; use the transaction handle (tx) instead',
      });
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#storage) return fn();
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
