/**
 * SQuAD v2 dev as RAG, in process, for the passage-reading scripts (rag-diagnose.ts, train-passage-reader.ts):
 * the same article split as bench/squad-reader.bench.ts (first half of the articles in file order = tuning half),
 * a Knowledge Base index of every dev paragraph built as the emulator's ingestion builds it (one document per
 * paragraph, Bedrock's default chunking), Retrieve 5 (HYBRID, the emulator's default) and ftrag's default
 * retrieve-then-converse prompt. The bench measures the same thing through the real SDK; these scripts skip the
 * HTTP round trips so that a diagnosis or a fit takes seconds.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSquadV2 } from '../src/datasets/squad.js';
import type { EvalItem } from '../src/datasets/types.js';
import { buildKbIndex } from '../src/emulator/model/kb.js';
import { DEFAULT_RAG_TEMPLATE, renderRagPrompt } from '../src/targets/bedrock-kb.js';

const here = dirname(fileURLToPath(import.meta.url));

export function findShared(relative: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${relative} not found beside the checkout`);
  }
}

export interface RagCase {
  item: EvalItem;
  gold: string;
  /** The retrieved passages, best first. */
  passages: { text: string; score: number }[];
  /** Rank (0-based) of the gold paragraph among the passages; -1 when it was not retrieved. */
  goldRank: number;
  /** The prompt the bench sends (DEFAULT_RAG_TEMPLATE). */
  prompt: string;
}

export interface RagData {
  tuning: RagCase[];
  heldOut: RagCase[];
}

/** Answerable questions (RAG F1 is measured on those), and unanswerable ones too when asked (abstention fits). */
export async function loadRagData(halves: 'tuning' | 'both' = 'tuning', withUnanswerable = false): Promise<RagData> {
  const { items } = await readSquadV2(findShared('data/squad-dev-v2.0-cs224n.json'));
  const titles = [...new Set(items.map((i) => i.category ?? ''))];
  const tuneTitles = new Set(titles.slice(0, Math.floor(titles.length / 2)));
  const paragraphs = [...new Set(items.map((i) => i.contexts![0]))];
  const index = buildKbIndex(paragraphs.map((text, i) => ({ uri: `s3://squad-dev/paragraphs/p${String(i).padStart(4, '0')}.txt`, text })));
  const build = (xs: EvalItem[]): RagCase[] =>
    xs.filter((i) => withUnanswerable || i.references.some((r) => r !== '')).map((item) => {
      const hits = index.retrieve(item.prompt, 5, 'HYBRID');
      const gold = item.contexts![0];
      const passages = hits.map((h) => ({ text: h.chunk.text, score: h.score }));
      const goldRank = passages.findIndex((p) => p.text.includes(gold) || gold.includes(p.text));
      return { item, gold, passages, goldRank, prompt: renderRagPrompt(DEFAULT_RAG_TEMPLATE, item.prompt, passages.map((p) => ({ text: p.text }))) };
    });
  return {
    tuning: build(items.filter((i) => tuneTitles.has(i.category ?? ''))),
    heldOut: halves === 'both' ? build(items.filter((i) => !tuneTitles.has(i.category ?? ''))) : [],
  };
}
