import { describe, expect, it } from 'vitest';

import { type Db, migrate, migrations } from '../../src/storage/index';
import { createTestDatabase, ENGINES, postgresAvailable } from '../support/databases';

const EXPECTED_TABLES = [
  'accounts',
  'ai_agents',
  'ai_jobs',
  'ai_settings',
  'attachments',
  'canned_responses',
  'classifications',
  'conversation_events',
  'conversation_labels',
  'conversations',
  'credit_ledger',
  'events',
  'handoffs',
  'knowledge',
  'labels',
  'message_statuses',
  'messages',
  'notes',
  'notifications',
  'read_positions',
  'relay_marks',
  'schema_migrations',
  'sla_timers',
  'teams',
  'tickets',
  'users',
  'widget_settings',
];

async function tables(db: Db): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

for (const kind of ENGINES) {
  describe.skipIf(kind === 'postgres' && !postgresAvailable)(`migrate [${kind}]`, () => {
    it('creates every table once and records each migration; a second run applies nothing', async () => {
      const t = await createTestDatabase(kind, { migrate: false });
      try {
        expect(await migrate(t.db)).toEqual(migrations.map((m) => m.id));
        expect(await migrate(t.db)).toEqual([]);
        expect(await tables(t.db)).toEqual(EXPECTED_TABLES);
        const recorded = await t.db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
        expect(recorded.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      } finally {
        await t.dispose();
      }
    }, 60_000);

    it("writes the messages' words straight into the full-text index, with no pending list to merge in a flush", async () => {
      const t = await createTestDatabase(kind, { migrate: true });
      try {
        const rows = await t.db.query<{ reloptions: string[] | null }>(
          "SELECT reloptions FROM pg_class WHERE relname = 'messages_content_fts_idx'",
        );
        expect(rows[0]?.reloptions).toEqual(['fastupdate=off']);
      } finally {
        await t.dispose();
      }
    }, 60_000);

    it('lets two migrations started together apply the schema exactly once', async () => {
      const t = await createTestDatabase(kind, { migrate: false });
      try {
        // On PostgreSQL the second Db is a second pool, like a second node starting beside the first.
        const second = kind === 'postgres' ? await t.openAnother({ migrate: false }) : t.db;
        const results = await Promise.all([migrate(t.db), migrate(second), migrate(t.db)]);
        expect(results.flat().sort()).toEqual(migrations.map((m) => m.id));
        expect(await tables(second)).toEqual(EXPECTED_TABLES);
      } finally {
        await t.dispose();
      }
    }, 60_000);

    it('rolls a failing migration back entirely, leaving earlier state intact', async () => {
      // Migrated already (the template copy or snapshot every test database starts from): running the
      // migrations here again cost a second or more of CPU on PGlite and is what the first test covers.
      const t = await createTestDatabase(kind);
      try {
        expect(await migrate(t.db)).toEqual([]);
        const broken = [...migrations, { id: '999_broken', sql: 'CREATE TABLE half_done (id int); SELECT 1/0;' }];
        await expect(migrate(t.db, broken)).rejects.toMatchObject({ name: 'StorageError' });
        expect(await tables(t.db)).not.toContain('half_done');
        const recorded = await t.db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
        expect(recorded.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      } finally {
        await t.dispose();
      }
    }, 60_000);
  });
}
