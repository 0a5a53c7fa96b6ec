import { execSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';

import { testConfig } from '../../src/config';
import { type Db, type DbKind, migrate, migrations, openDb } from '../../src/storage/index';
import { openPgliteDb } from '../../src/storage/pglite-db';
import { RUN_ID_VARIABLE } from './global-setup';

/**
 * Databases for tests. Contract suites run once per engine: PGlite in memory, and the PostgreSQL
 * of the machine (TEST_DATABASE_URL, default 127.0.0.1:5432/test) in a database of its own, created
 * with a random name and dropped afterwards, so parallel test files never share tables or locks.
 *
 * Without PostgreSQL the PostgreSQL variant is skipped with a line saying so; under CI=true it is
 * started if needed, and a PostgreSQL that still cannot be reached fails the run instead.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ENGINES: readonly DbKind[] = ['pglite', 'postgres'];
const IN_CI = process.env.CI === 'true';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function detectPostgres(): Promise<boolean> {
  if (await canConnect(TEST_DATABASE_URL)) return true;
  if (!IN_CI) {
    console.warn(`[tests] PostgreSQL not reachable at ${TEST_DATABASE_URL}: skipping the PostgreSQL variants (CI=true requires them).`);
    return false;
  }
  try {
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit', shell: '/bin/sh' });
  } catch {
    // Already running but refusing connections, or not installed: the retries below decide.
  }
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if (await canConnect(TEST_DATABASE_URL)) return true;
    // Polling an outside process (PostgreSQL), which has no event to wait for.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`CI=true and PostgreSQL is not reachable at ${TEST_DATABASE_URL}, even after trying to start it`);
}

export const postgresAvailable: boolean = await detectPostgres();

/** The run's databases share a prefix (global-setup.ts), so its teardown drops what they left. */
const RUN_ID = process.env[RUN_ID_VARIABLE];
const TEST_DATABASE_PREFIX = RUN_ID ? `sb_test_${RUN_ID}_` : 'sb_test_';

function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL database of its own, empty or (`migrated`) a copy of a template database that has every
 * migration applied; `drop` removes it, disconnecting whoever is still in.
 */
export async function createPostgresDatabase(opts: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(opts.migrated ? `CREATE DATABASE ${name} TEMPLATE ${await migratedTemplate()}` : `CREATE DATABASE ${name}`);
  const drop = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  return {
    url: urlFor(name),
    // DROP DATABASE waits for a checkpoint (~0.3 s each, ~180 per run). Under vitest the run's global
    // teardown drops whatever is left (global-setup.ts), so the test file need not wait for it here.
    drop: () => {
      if (!RUN_ID) return drop();
      void drop().catch(() => undefined);
      return Promise.resolve();
    },
  };
}

let template: Promise<string> | undefined;

/**
 * The name of a PostgreSQL database with every migration applied, built once per machine: copying it
 * (CREATE DATABASE … TEMPLATE) costs what creating an empty database costs, while running the
 * migrations into each test's database cost ~0.6 s more (docs/decisions.md, "Test suite wall time").
 * The name hashes the migrations, so a change to them builds a new one; test runs of other checkouts
 * with other migrations use their own. Nobody stays connected to it: PostgreSQL refuses to copy a
 * database someone is connected to.
 */
function migratedTemplate(): Promise<string> {
  template ??= buildTemplate().catch((err: unknown) => {
    template = undefined;
    throw err;
  });
  return template;
}

async function buildTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.id).update(m.sql);
  const name = `sb_template_${hash.digest('hex').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return name;
    // Built under another name and renamed when complete, so a parallel test file never copies half of it.
    const partial = `${name}_${randomBytes(4).toString('hex')}`;
    await client.query(`CREATE DATABASE ${partial}`);
    const db = await openDb({ databaseUrl: urlFor(partial), migrate: true });
    await db.close();
    try {
      await client.query(`ALTER DATABASE ${partial} RENAME TO ${name}`);
    } catch (err) {
      // Another test file finished first (duplicate_database): use its copy.
      await client.query(`DROP DATABASE IF EXISTS ${partial} WITH (FORCE)`);
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
    return name;
  } finally {
    await client.end();
  }
}

const snapshots = new Map<'empty' | 'migrated', Promise<Blob>>();

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A PGlite data directory after initdb (and, for 'migrated', after every migration), cached in the
 * OS temp folder. initdb costs seconds per in-memory database; loading this dump takes a fraction,
 * which matters when every test file (and every server test) opens its own.
 * The file name hashes the PGlite version and the migrations, so a change to either rebuilds it.
 */
export function pgliteSnapshot(kind: 'empty' | 'migrated'): Promise<Blob> {
  let pending = snapshots.get(kind);
  if (!pending) {
    pending = loadOrBuildSnapshot(kind);
    snapshots.set(kind, pending);
  }
  return pending;
}

async function loadOrBuildSnapshot(kind: 'empty' | 'migrated'): Promise<Blob> {
  const hash = createHash('sha256').update(pgliteVersion()).update(kind);
  if (kind === 'migrated') for (const m of migrations) hash.update(m.id).update(m.sql);
  const file = path.join(os.tmpdir(), `switchboard-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  try {
    return new ReadyBlob(await readFile(file));
  } catch {
    // Not built yet on this machine.
  }
  const db = await openPgliteDb('memory://');
  try {
    if (kind === 'migrated') await migrate(db);
    const bytes = Buffer.from(await (await db.dumpDataDir()).arrayBuffer());
    // Written aside and renamed, so a parallel test file never reads half a file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, bytes);
    await rename(partial, file).catch(() => rm(partial, { force: true }));
    return new ReadyBlob(bytes);
  } finally {
    await db.close();
  }
}

/**
 * A snapshot whose `arrayBuffer()` hands out the bytes already in memory. PGlite reads a `loadDataDir`
 * with `arrayBuffer()` only, and Node's Blob copies its ~40 MB out in small chunks, one event-loop turn
 * each: ~0.4–0.5 s of CPU and, on a busy machine, seconds of wall time per database opened
 * (docs/decisions.md, "Suite wall time, third pass"). PGlite only reads the buffer (it copies each file
 * out of the tarball into its in-memory file system), so every open can be handed the same one.
 */
class ReadyBlob extends Blob {
  private readonly contents: ArrayBuffer;

  constructor(bytes: Buffer) {
    // Blob's own content stays empty: nothing here reads it through Blob's methods but arrayBuffer().
    super([]);
    this.contents = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  override get size(): number {
    return this.contents.byteLength;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.contents);
  }
}

const { PGLITE_SHARED_BUFFERS } = testConfig();

export interface TestDatabase {
  readonly kind: DbKind;
  readonly db: Db;
  /** Opens another Db on the same database (PostgreSQL only: an in-memory PGlite cannot be shared). */
  openAnother(opts?: { migrate?: boolean }): Promise<Db>;
  dispose(): Promise<void>;
}

export async function createTestDatabase(kind: DbKind, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const migrated = opts.migrate !== false;
    const db = await openDb({
      dataDir: 'memory://',
      pgliteSnapshot: await pgliteSnapshot(migrated ? 'migrated' : 'empty'),
      migrate: migrated,
      // What a server opens (config default), not PGlite's 128MB, which it touches at start: ~0.2 s CPU more per database.
      pgliteSharedBuffers: PGLITE_SHARED_BUFFERS,
    });
    return {
      kind,
      db,
      openAnother: () => Promise.reject(new Error('an in-memory PGlite cannot be opened twice')),
      dispose: () => db.close(),
    };
  }
  const migrated = opts.migrate !== false;
  const database = await createPostgresDatabase({ migrated });
  // Still migrates: a no-op on the template's copy, and the same code path a server takes at start.
  const db = await openDb({ databaseUrl: database.url, migrate: opts.migrate });
  const others: Db[] = [];
  return {
    kind,
    db,
    async openAnother(more = {}) {
      const other = await openDb({ databaseUrl: database.url, migrate: more.migrate });
      others.push(other);
      return other;
    },
    async dispose() {
      await Promise.allSettled([db.close(), ...others.map((o) => o.close())]);
      await database.drop();
    },
  };
}

export interface EngineContext {
  readonly kind: DbKind;
  /** The suite's database, migrated; valid inside tests and hooks. */
  db(): Db;
  testDatabase(): TestDatabase;
}

/** PGlite starts in a few seconds on a slow machine; creating a PostgreSQL database takes a moment too. */
const SETUP_TIMEOUT_MS = 60_000;

/**
 * Declares `body` once per engine, as `title [pglite]` and `title [postgres]`, each with a fresh
 * migrated database shared by the tests of that block. Tests use their own account ids, so they
 * do not see each other's rows.
 */
export function forEachEngine(title: string, body: (ctx: EngineContext) => void): void {
  for (const kind of ENGINES) {
    const skip = kind === 'postgres' && !postgresAvailable;
    describe.skipIf(skip)(`${title} [${kind}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(kind);
      }, SETUP_TIMEOUT_MS);
      afterAll(async () => {
        await current?.dispose();
      }, SETUP_TIMEOUT_MS);
      const ensure = (): TestDatabase => {
        if (!current) throw new Error('test database used before beforeAll finished');
        return current;
      };
      body({ kind, db: () => ensure().db, testDatabase: ensure });
    });
  }
}

/** A fresh account id per test, so tests sharing a database stay independent. */
export function uniqueAccountId(prefix = 'acct'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
