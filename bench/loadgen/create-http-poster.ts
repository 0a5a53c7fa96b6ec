import { Agent, request } from 'node:http';

/**
 * POSTs JSON bodies to one URL over keep-alive connections (at most `sockets`),
 * resolving with the status code. Plain node:http: cheaper per call than fetch.
 */
export function createHttpPoster(url: string, headers: Record<string, string>, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const target = new URL(url);
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
