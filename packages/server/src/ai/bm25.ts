/**
 * Okapi BM25 over small in-memory corpora (a tenant's saved replies and help
 * articles). Terms come already normalised (see text-analysis.ts).
 *
 * @example
 * const index = new Bm25Index([{ id: 'a', terms: ['reset', 'password'] }]);
 * index.search(['password'])[0]?.id // 'a'
 */
const UNKNOWN_TERM_WEIGHT = 0.5;

export interface Bm25Doc {
  id: string;
  terms: readonly string[];
}

export interface Bm25Hit {
  id: string;
  score: number;
  /**
   * Share of the query's weight (by IDF) the document contains, 0 to 1: how much of the question it
   * speaks to. Words no document has count half: customers add feelings and filler ("this is
   * terrible") that no help article contains and that should not sink a good match.
   */
  coverage: number;
}

export class Bm25Index {
  private readonly docs: Array<{ id: string; length: number; tf: Map<string, number> }>;
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(
    docs: readonly Bm25Doc[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.docs = docs.map((d) => {
      const tf = new Map<string, number>();
      for (const t of d.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      return { id: d.id, length: d.terms.length, tf };
    });
    const total = this.docs.reduce((n, d) => n + d.length, 0);
    this.avgLength = this.docs.length ? total / this.docs.length : 0;
  }

  get size(): number {
    return this.docs.length;
  }

  /** Lucene's IDF: never negative, highest for terms no document has. */
  idf(term: string): number {
    const n = this.df.get(term) ?? 0;
    return Math.log(1 + (this.docs.length - n + 0.5) / (n + 0.5));
  }

  /** Best first; documents that share no term with the query are left out. */
  search(queryTerms: readonly string[], limit = 5): Bm25Hit[] {
    const query = [...new Set(queryTerms)];
    const weights = new Map(query.map((t) => [t, this.df.has(t) ? this.idf(t) : this.idf(t) * UNKNOWN_TERM_WEIGHT]));
    const totalWeight = [...weights.values()].reduce((a, w) => a + w, 0);
    const hits: Bm25Hit[] = [];
    for (const doc of this.docs) {
      let score = 0;
      let covered = 0;
      for (const term of query) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const w = weights.get(term) ?? 0;
        const norm = this.avgLength ? doc.length / this.avgLength : 1;
        score += (w * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + this.b * norm));
        covered += w;
      }
      if (score > 0) hits.push({ id: doc.id, score, coverage: totalWeight ? covered / totalWeight : 0 });
    }
    return hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)).slice(0, limit);
  }
}
