/**
 * A real Switchboard in a child process, for tests that run under jsdom: the
 * server cannot share a realm with jsdom's globals (PGlite's Blob, jose's
 * Uint8Array checks), so it runs beside the test and answers on stdio.
 *
 * Protocol, one JSON object per line: the child prints `{ "port": n }` once it
 * listens; then each `{ "id", "claims", "ttl" }` line is answered with
 * `{ "id", "token" }`.
 */
import { createInterface } from 'node:readline';

import { signToken, type TokenClaims } from '../../../server/src/auth/token-signer';
import { buildServer } from '../../../server/src/build-server';
import { testConfig } from '../../../server/src/config';
import { createTestDatabase } from '../../../server/test/support/databases';
import { INTERNAL_KEY, SECRET } from '../../../server/test/support/server';

const database = await createTestDatabase('pglite');
const server = await buildServer(testConfig({ PORT: 0, HOST: '127.0.0.1', JWT_SECRET: SECRET, INTERNAL_API_KEY: INTERNAL_KEY }), {
  db: database.db,
});
const port = await server.listen();
process.stdout.write(`${JSON.stringify({ port })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const req = JSON.parse(line) as { id: number; claims: TokenClaims; ttl?: number };
  void signToken(SECRET, req.claims, req.ttl).then((token) => process.stdout.write(`${JSON.stringify({ id: req.id, token })}\n`));
});
// The parent closing stdin (or dying) ends the server.
lines.on('close', () => {
  void server
    .close()
    .then(() => database.dispose())
    .finally(() => process.exit(0));
});
