import { messages as backend, parse, type PGlite, protocol } from '@electric-sql/pglite';

/** Distinct texts kept prepared. The server's SQL is a fixed set of texts; past this, texts run unprepared. */
const MAX_PREPARED = 500;

interface Prepared {
  name: string;
  /** Each parameter's type as PostgreSQL inferred it, to serialise values as PGlite's own `query` does. */
  paramTypes: number[];
}

/**
 * Named prepared statements on PGlite, each run in one call into the engine: what postgres-db.ts
 * does for PostgreSQL (docs/decisions.md, "Prepared statements"), with the same limits (a table
 * under a prepared `SELECT *` must not change while the database is open; only migrations change
 * tables, before anything else runs).
 *
 * PGlite's `query` sends an unnamed statement in six calls (Parse, Describe, Bind, Describe, Execute,
 * Sync), and PostgreSQL parses, analyses and plans the text every time. For the write pipeline's two
 * statements that was most of a flush's fixed cost (docs/decisions.md, "Embedded chat latency").
 * Here a text is parsed once per database (Parse and Describe, one call), and each run is Bind,
 * Describe, Execute and Sync in one call; PostgreSQL's plan cache then reuses a generic plan where it
 * is no worse than a custom one. Errors are PGlite's own (a DatabaseError), after which the
 * connection is ready again (the Sync ends the failed statement), as after a failed `query`.
 *
 * `execProtocol` takes neither of PGlite's locks: callers pass in how to take the ones they need.
 */
export class PglitePrepared {
  private readonly statements = new Map<string, Prepared>();
  private next = 0;

  constructor(private readonly pglite: PGlite) {}

  /** The rows, or null when the text is not prepared and no more may be (run it the ordinary way). */
  async query<T>(text: string, params: readonly unknown[], syncToFs: boolean): Promise<T[] | null> {
    const stmt = this.statements.get(text) ?? (this.statements.size < MAX_PREPARED ? await this.prepare(text) : null);
    if (!stmt) return null;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = this.pglite.serializers[stmt.paramTypes[i] ?? 0];
      if (serialize) return serialize(value);
      switch (typeof value) {
        case 'string':
          return value;
        case 'number':
        case 'boolean':
        case 'bigint':
          return value.toString();
        default:
          return JSON.stringify(value);
      }
    });
    const { messages } = await this.pglite.execProtocol(
      concat([
        protocol.serialize.bind({ statement: stmt.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
      { syncToFs },
    );
    return (parse.parseResults(messages, this.pglite.parsers)[0]?.rows ?? []) as T[];
  }

  private async prepare(text: string): Promise<Prepared> {
    const name = `sb_${this.next++}`;
    const { messages } = await this.pglite.execProtocol(
      concat([protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
      { syncToFs: false },
    );
    const description = messages.find((m): m is backend.ParameterDescriptionMessage => m.name === 'parameterDescription');
    const stmt = { name, paramTypes: description?.dataTypeIDs ?? [] };
    this.statements.set(text, stmt);
    return stmt;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
