import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with one request. */
export type Behaviour =
  | { kind: 'ok' }
  /** Waits before answering at all. */
  | { kind: 'slow'; ms: number }
  /** Answers 200 with a body that is not a completion. */
  | { kind: 'garbage' }
  | { kind: 'status'; status: number; retryAfterS?: number }
  /** Streams a few tokens, then ends without finishing the reply. */
  | { kind: 'truncated' }
  /** Ignores `stream: true` and answers with one JSON completion. */
  | { kind: 'no-stream' }
  /** Drops the connection without a word. */
  | { kind: 'hang-up' };

export type Task = 'classify' | 'reply' | 'draft';

export interface SeenRequest {
  task: Task;
  body: any;
  headers: IncomingMessage['headers'];
}

/**
 * A small server speaking OpenAI's `POST /v1/chat/completions`, with and
 * without `stream: true`, whose next answers per task can be scripted: slow,
 * garbage, an HTTP error, a broken stream, a hang-up. It recognises the task
 * from the system prompt's first line (`Task: classify|reply|draft`).
 *
 * @example
 * const fake = await FakeOpenAi.start();
 * fake.script('reply', { kind: 'status', status: 500 }, { kind: 'ok' });
 */
export class FakeOpenAi {
  readonly requests: SeenRequest[] = [];
  /** Probability given to every streamed token (as logprobs): the reply's confidence. */
  tokenProbability = 0.9;
  /** The classification JSON the fake answers, from the customer's text. */
  classification: (text: string) => Record<string, unknown> = defaultClassification;
  /** The reply text, from the system prompt (with the knowledge) and the last user message. */
  answer: (system: string, lastUser: string) => string = defaultAnswer;
  private readonly scripts = new Map<Task, Behaviour[]>();
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FakeOpenAi> {
    const server = createServer((req, res) => void fake.handle(req, res));
    const fake = new FakeOpenAi(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL to configure as AI_BASE_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** The next requests of `task` get these behaviours, in order; then `ok` again. */
  script(task: Task, ...behaviours: Behaviour[]): void {
    this.scripts.set(task, [...(this.scripts.get(task) ?? []), ...behaviours]);
  }

  reset(): void {
    this.scripts.clear();
    this.requests.length = 0;
    this.tokenProbability = 0.9;
    this.classification = defaultClassification;
    this.answer = defaultAnswer;
  }

  seen(task: Task): SeenRequest[] {
    return this.requests.filter((r) => r.task === task);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(raw);
    const system: string = body.messages?.[0]?.content ?? '';
    const task = (/^Task: (classify|reply|draft)/.exec(system)?.[1] ?? 'reply') as Task;
    this.requests.push({ task, body, headers: req.headers });
    const behaviour = this.scripts.get(task)?.shift() ?? { kind: 'ok' };

    if (behaviour.kind === 'hang-up') {
      req.socket.destroy();
      return;
    }
    // The behaviour under test is a provider that is slow: this wait is the fake's answer time.
    if (behaviour.kind === 'slow') await new Promise((r) => setTimeout(r, behaviour.ms));
    if (res.destroyed) return;
    if (behaviour.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behaviour.retryAfterS !== undefined) headers['retry-after'] = String(behaviour.retryAfterS);
      res.writeHead(behaviour.status, headers).end(JSON.stringify({ error: { message: 'scripted failure' } }));
      return;
    }
    const users = (body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'user');
    const lastUser = users[users.length - 1]?.content ?? '';
    const content = task === 'classify' ? JSON.stringify(this.classification(lastUser)) : this.answer(system, lastUser);

    if (behaviour.kind === 'garbage') {
      const type = body.stream ? 'text/event-stream' : 'application/json';
      res.writeHead(200, { 'content-type': type }).end(body.stream ? 'data: {"choices": [ {oops\n\n' : '<html>not json</html>');
      return;
    }
    if (!body.stream || behaviour.kind === 'no-stream') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.completion(content, body.logprobs === true)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const tokens = content.match(/\s*\S+/g) ?? [];
    const upTo = behaviour.kind === 'truncated' ? Math.min(2, tokens.length) : tokens.length;
    for (const token of tokens.slice(0, upTo)) {
      const chunk = {
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content: token }, finish_reason: null, logprobs: this.logprobs(token, body.logprobs === true) }],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((r) => setImmediate(r));
    }
    if (behaviour.kind === 'truncated') {
      res.end();
      return;
    }
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  private completion(content: string, withLogprobs: boolean) {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: this.logprobs(content, withLogprobs) },
      ],
    };
  }

  private logprobs(token: string, wanted: boolean) {
    return wanted ? { content: [{ token, logprob: Math.log(this.tokenProbability) }] } : null;
  }
}

function defaultClassification(text: string): Record<string, unknown> {
  const lower = text.toLowerCase();
  const negative = /terrible|hate|awful|angry|worst/.test(lower);
  return {
    priority: /urgent|asap/.test(lower) ? 'urgent' : 'medium',
    sentiment: negative ? 'negative' : 'neutral',
    category: /password|log ?in/.test(lower) ? 'account' : 'general',
    language: 'en',
    confidence: 0.88,
  };
}

/** Answers from the first knowledge item of the prompt, or refuses with the sentinel when there is none. */
function defaultAnswer(system: string): string {
  const match = /\[1\] [^\n]*\n([^\n]+)/.exec(system);
  return match ? `From our help center: ${match[1]}` : 'HANDOFF';
}
