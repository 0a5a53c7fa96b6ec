/** One teardown step: what it stops, and how. */
interface CloseStep {
  name: string;
  run: () => void | Promise<void>;
}

/**
 * Teardown in reverse order of start-up, as Fastify's `onClose`: each component
 * registers how it stops right where it starts, so whatever was started on top
 * of something is stopped before it, and nobody keeps a hand-ordered list.
 *
 * Every step runs even when an earlier one fails: a bridge that cannot close
 * must not leave the database open and the process hanging. The failures are
 * thrown together once all steps have run.
 *
 * @example
 * const lifecycle = new Lifecycle();
 * const db = await openDb(...);
 * lifecycle.onClose('database', () => db.close());
 * const io = createSocketServer(...);
 * lifecycle.onClose('socket.io', () => closeIo(io)); // runs before 'database'
 * await lifecycle.close();
 */
export class Lifecycle {
  private readonly steps: CloseStep[] = [];
  private closed: Promise<void> | null = null;

  /** True from the first `close()` on: health checks answer "going away" while the steps run. */
  get closing(): boolean {
    return this.closed !== null;
  }

  /** Registers a teardown step; steps run last registered, first run. */
  onClose(name: string, run: () => void | Promise<void>): void {
    if (this.closed) throw new Error(`cannot register "${name}": already closing`);
    this.steps.push({ name, run });
  }

  /** Runs every step once, newest first; later calls get the same promise. */
  close(): Promise<void> {
    this.closed ??= this.runSteps();
    return this.closed;
  }

  private async runSteps(): Promise<void> {
    const failures: Error[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        await step.run();
      } catch (err) {
        failures.push(new Error(`closing ${step.name} failed`, { cause: err }));
      }
    }
    const [first, ...more] = failures;
    if (first && more.length === 0) throw first;
    if (first) throw new AggregateError(failures, `closing failed in ${failures.length} steps`);
  }
}
