/** One Server-Sent Event as read off the wire. */
export interface SseEvent {
  event: string;
  data: any;
}

export interface SseStream {
  readonly status: number;
  readonly events: SseEvent[];
  /** The next event named `name` (after those already taken) that matches. */
  next(name: string, match?: (data: any) => boolean, ms?: number): Promise<any>;
  close(): void;
}

/**
 * Opens an SSE stream with fetch, as a widget would, and collects its events.
 * Resolves once the response headers arrived; for a 200 stream, once `ready` came.
 */
export async function openSse(url: string, token?: string): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}`, accept: 'text/event-stream' } : {},
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const taken = new Set<SseEvent>();
  const notify = () => waiters.forEach((w) => w());
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (name && data !== undefined) {
              events.push({ event: name, data: JSON.parse(data) });
              notify();
            }
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  } else {
    await res.body?.cancel();
  }
  const stream: SseStream = {
    status: res.status,
    events,
    next(name, match = () => true, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = events.find((e) => !taken.has(e) && e.event === name && match(e.data));
          if (!found) return false;
          taken.add(found);
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found.data);
          return true;
        };
        const check = () => void look();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no SSE "${name}" within ${ms} ms; got ${events.map((e) => e.event).join(', ') || 'nothing'}`));
        }, ms);
        if (!look()) waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
  if (res.ok) await stream.next('ready');
  return stream;
}
