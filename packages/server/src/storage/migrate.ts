import type { Db } from './db';
import { type Migration, migrations as allMigrations } from './migrations/index';

/**
 * Arbitrary but fixed key for pg_advisory_xact_lock: nodes starting together on one PostgreSQL
 * queue here, and the second one finds the migrations already recorded.
 */
const MIGRATION_LOCK_KEY = 4_210_551_001;

/**
 * Applies pending migrations in id order, all in one transaction, and records each in
 * `schema_migrations`. Returns the ids it applied (empty when the schema was current).
 */
export async function migrate(db: Db, migrations: readonly Migration[] = allMigrations): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    const applied: string[] = [];
    for (const migration of ordered) {
      if (done.has(migration.id)) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}
