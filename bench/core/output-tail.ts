import type { Readable } from 'node:stream';

/**
 * Keeps the last lines a child wrote, to explain a failure, and lets a caller
 * wait for a line that matches a pattern (for example the inspector's URL).
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly watchers: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  private readonly collectors: Array<{ pattern: RegExp; found: string[] }> = [];

  constructor(private readonly keep = 40) {}

  attach(stream: Readable | null | undefined, prefix = ''): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.push(prefix + line);
    });
  }

  /** Resolves with the first line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    for (const line of this.lines) {
      const m = pattern.exec(line);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve) => this.watchers.push({ pattern, resolve }));
  }

  /**
   * Every first capture group of `pattern` in the lines from now on (the list grows as lines come),
   * however many lines the tail keeps: e.g. the inspector URL of each cluster worker.
   */
  collect(pattern: RegExp): string[] {
    const c = { pattern, found: [] as string[] };
    this.collectors.push(c);
    return c.found;
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
    for (const c of this.collectors) {
      const m = c.pattern.exec(line);
      if (m?.[1]) c.found.push(m[1]);
    }
    for (let i = this.watchers.length - 1; i >= 0; i--) {
      const w = this.watchers[i]!;
      const m = w.pattern.exec(line);
      if (m) {
        this.watchers.splice(i, 1);
        w.resolve(m);
      }
    }
  }
}
