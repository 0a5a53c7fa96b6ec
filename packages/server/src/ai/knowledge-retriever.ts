import type { KnowledgeItem, Message } from '@switchboard/protocol';

import type { Db } from '../storage/db';
import { KnowledgeRepo } from '../storage/repos/knowledge';
import type { KnowledgeHit } from './ai-provider';
import { Bm25Index } from './bm25';
import { analyse } from './text-analysis';

interface Indexed {
  at: number;
  index: Bm25Index;
  items: Map<string, { item: KnowledgeItem; sentences: Array<{ text: string; terms: Set<string> }> }>;
}

/** Sentences quoted from a help article in an answer. */
const ARTICLE_SENTENCES = 2;

/**
 * Ranks a tenant's saved replies and help articles against a customer's words
 * with BM25. The index is built in memory per tenant and rebuilt after an edit
 * on this node, or after `ttlMs` for edits made on another node.
 */
export class KnowledgeRetriever {
  private readonly cache = new Map<string, Indexed>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  invalidate(accountId: string): void {
    this.cache.delete(accountId);
  }

  /** What the conversation asks now: the last customer message, with the one before it when it is short. */
  static queryTerms(history: readonly Message[]): string[] {
    const asked = history
      .filter((m) => m.role === 'USER')
      .slice(-2)
      .map((m) => analyse(m.content).terms);
    const last = asked[asked.length - 1] ?? [];
    return last.length >= 3 || asked.length < 2 ? last : [...(asked[0] ?? []), ...last];
  }

  async search(accountId: string, terms: readonly string[], limit = 3): Promise<KnowledgeHit[]> {
    if (terms.length === 0) return [];
    const indexed = await this.indexFor(accountId);
    const wanted = new Set(terms);
    return indexed.index.search(terms, limit).flatMap((hit) => {
      const entry = indexed.items.get(hit.id);
      if (!entry) return [];
      const answer = entry.item.kind === 'saved_reply' ? entry.item.body : excerpt(entry.item, entry.sentences, wanted);
      return [{ item: entry.item, score: hit.score, coverage: hit.coverage, answer }];
    });
  }

  private async indexFor(accountId: string): Promise<Indexed> {
    const cached = this.cache.get(accountId);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached;
    const list = await new KnowledgeRepo(this.db).list(accountId);
    const items: Indexed['items'] = new Map();
    const docs = list.map((item) => {
      const title = analyse(item.title).terms;
      const body = analyse(item.body);
      const tags = item.tags.flatMap((t) => analyse(t).terms);
      const sentences = item.kind === 'article' ? body.sentences.map((text) => ({ text, terms: new Set(analyse(text).terms) })) : [];
      items.set(item.id, { item, sentences });
      // Titles say what an item is about in few words, so they count twice.
      return { id: item.id, terms: [...title, ...title, ...tags, ...body.terms] };
    });
    const indexed = { at: Date.now(), index: new Bm25Index(docs), items };
    this.cache.set(accountId, indexed);
    return indexed;
  }
}

/** An article's sentences that share most words with the question, in the article's order, and its link. */
function excerpt(item: KnowledgeItem, sentences: Array<{ text: string; terms: Set<string> }>, wanted: Set<string>): string {
  const scored = sentences.map((s, i) => ({ i, text: s.text, hits: [...wanted].filter((t) => s.terms.has(t)).length }));
  const best = scored
    .filter((s) => s.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.i - b.i)
    .slice(0, ARTICLE_SENTENCES)
    .sort((a, b) => a.i - b.i)
    .map((s) => s.text.trim());
  const text = best.length ? best.join(' ') : (sentences[0]?.text.trim() ?? item.body.slice(0, 300));
  return item.url ? `${text}\n\nMore: ${item.url}` : text;
}
