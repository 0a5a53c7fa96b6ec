import { SwitchboardError } from './api-error';
import type { HttpApi } from './http-api';

export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

export interface EventStreamHandle {
  close(): void;
  /** Settles when the stream ends: normally, closed, or failed. */
  done: Promise<void>;
}

/**
 * A Server-Sent Events stream over fetch, because EventSource cannot send an
 * Authorization header and Switchboard's streams take a Bearer token (the
 * widget's streamed assistant replies). Rejects `done` with NOT_FOUND when the server has no such route.
 */
export function openEventStream(api: HttpApi, path: string, onEvent: (e: StreamEvent) => void): EventStreamHandle {
  const abort = new AbortController();
  const done = (async () => {
    let res: Response;
    try {
      res = await fetch(api.url(path), { headers: { ...api.authHeader(), accept: 'text/event-stream' }, signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) return;
      throw new SwitchboardError('NETWORK', err instanceof Error ? err.message : 'stream failed');
    }
    if (!res.ok || !res.body) {
      throw new SwitchboardError(
        res.status === 404 || res.status === 405 ? 'NOT_FOUND' : res.status === 401 ? 'AUTH_TOKEN_INVALID' : 'INTERNAL',
        `HTTP ${res.status}`,
        res.status,
      );
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        buffer = drainFrames(buffer, onEvent);
      }
      drainFrames(`${buffer}\n\n`, onEvent);
    } catch (err) {
      if (!abort.signal.aborted) throw new SwitchboardError('NETWORK', err instanceof Error ? err.message : 'stream broke');
    }
  })();
  done.catch(() => undefined);
  return { close: () => abort.abort(), done };
}

/** Emits each complete frame (blank-line terminated) and returns what is left. */
export function drainFrames(buffer: string, onEvent: (e: StreamEvent) => void): string {
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const frames = normalized.split('\n\n');
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length) onEvent({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
  }
  return rest;
}
