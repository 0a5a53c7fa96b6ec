import { pause, ProviderError } from './ai-provider';

export interface OpenAiHttpOptions {
  /** Up to and including `/v1`. */
  baseUrl: string;
  apiKey?: string | undefined;
  /** Until the response headers; then the longest silence while reading the body. */
  timeoutMs: number;
  retries: number;
  retryBaseMs?: number;
}

/** An open response and the means to stop reading it. */
export interface OpenResponse {
  response: Response;
  /** Restarts the silence timer: call on every chunk read. */
  touch(): void;
  /** Stops timers and the request. */
  done(): void;
}

/**
 * POSTs to `/chat/completions`, retrying with exponential backoff (or the
 * server's Retry-After) on 429, 5xx, timeouts and network errors. Retries stop
 * once headers of a successful response arrive: a stream already being read is
 * never restarted here, so no token is sent twice.
 */
export async function postChatCompletion(opts: OpenAiHttpOptions, body: unknown, signal: AbortSignal): Promise<OpenResponse> {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  let last: ProviderError = new ProviderError('unavailable', 'no attempt made');
  for (let attempt = 0; attempt <= opts.retries; attempt += 1) {
    if (attempt > 0) await pause(retryDelay(opts.retryBaseMs ?? 250, attempt, last), signal);
    const open = await attemptOnce(url, opts, body, signal).catch((err: unknown) => {
      if (err instanceof ProviderError && err.transient && !signal.aborted) return err;
      throw err;
    });
    if (!(open instanceof ProviderError)) return open;
    last = open;
  }
  throw last;
}

async function attemptOnce(url: string, opts: OpenAiHttpOptions, body: unknown, outer: AbortSignal): Promise<OpenResponse> {
  const controller = new AbortController();
  const timeout = new ProviderError('timeout', `no answer within ${opts.timeoutMs} ms`);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(timeout), opts.timeoutMs);
  };
  const onOuter = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onOuter, { once: true });
  const done = () => {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuter);
  };
  arm();
  let response: Response;
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
  } catch (err) {
    done();
    if (outer.aborted) throw outer.reason;
    if (controller.signal.reason === timeout) throw timeout;
    throw new ProviderError('unavailable', `provider unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok) {
    done();
    await response.body?.cancel().catch(() => undefined);
    const retryAfter = Number(response.headers.get('retry-after'));
    const kind = response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'unavailable' : 'rejected';
    const err = new ProviderError(kind, `provider answered HTTP ${response.status}`, response.status);
    if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfters.set(err, retryAfter * 1_000);
    throw err;
  }
  return {
    response,
    touch: arm,
    done: () => {
      done();
      controller.abort(new ProviderError('unavailable', 'stopped reading'));
    },
  };
}

const retryAfters = new WeakMap<ProviderError, number>();
const MAX_RETRY_AFTER_MS = 10_000;

function retryDelay(baseMs: number, attempt: number, last: ProviderError): number {
  const asked = retryAfters.get(last);
  if (asked !== undefined) return Math.min(asked, MAX_RETRY_AFTER_MS);
  const exp = baseMs * 2 ** (attempt - 1);
  return exp / 2 + Math.random() * (exp / 2);
}

/** Reads the whole body as JSON, under the silence timer. */
export async function readJsonBody(open: OpenResponse): Promise<unknown> {
  let text = '';
  for await (const chunk of readText(open)) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError('invalid_response', 'provider sent a body that is not JSON');
  }
}

/** The `data:` payloads of a Server-Sent Events body, one per event, in order. */
export async function* readSseData(open: OpenResponse): AsyncIterable<string> {
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of readText(open)) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
      // Comments (":") and other fields (event, id, retry) carry nothing a completion needs.
    }
  }
  if (buffer.startsWith('data:')) data.push(buffer.slice(5).replace(/^ /, ''));
  if (data.length) yield data.join('\n');
}

async function* readText(open: OpenResponse): AsyncIterable<string> {
  const body = open.response.body;
  if (!body) return;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      open.touch();
      yield decoder.decode(value, { stream: true });
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const reason = err instanceof Error && 'cause' in err ? err.cause : undefined;
    if (reason instanceof ProviderError) throw reason;
    throw new ProviderError('unavailable', `provider stream broke: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    reader.releaseLock();
    open.done();
  }
}
