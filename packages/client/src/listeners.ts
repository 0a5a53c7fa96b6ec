/** A small registry of callbacks by key; `on` returns its own unsubscribe. */
export class Listeners<K, F extends (...args: never[]) => unknown> {
  private readonly byKey = new Map<K, Set<F>>();

  on(key: K, fn: F): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    };
  }

  /** Calls each listener of `key`; one that throws is reported and does not stop the others. */
  emit(key: K, args: Parameters<F>, onError: (err: unknown) => void = reportError): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        onError(err);
      }
    }
  }

  count(key: K): number {
    return this.byKey.get(key)?.size ?? 0;
  }

  clear(): void {
    this.byKey.clear();
  }
}

function reportError(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
