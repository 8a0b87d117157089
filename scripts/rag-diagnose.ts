/**
 * Where RAG F1 is lost against gold-paragraph F1, on the TUNING half of SQuAD v2 dev (answerable questions; nothing
 * here reads the held-out half unless --held-out is given, and nothing is fitted). Each question is read twice with
 * the reference model's generate(): with its gold paragraph (`Context: ...\nQuestion: ...`, as the bench) and with
 * the five retrieved passages in ftrag's default RAG prompt. Each question falls in one class:
 *   not-retrieved        the gold paragraph is not among the five passages
 *   rag-abstained        retrieved, the RAG read abstains (split by whether the gold read abstains too)
 *   rag-answered/gold-abstained  retrieved, the gold read abstains but the RAG read answers
 *   other-passage        retrieved, the RAG answer comes from another passage (or the prompt's instructions)
 *   gold-passage-differs retrieved, answered from the gold passage, but a different answer from the gold read
 *   same                 retrieved, the same answer as the gold read
 * and for each class: count, share, mean gold F1, mean RAG F1, and its contribution to the gap (sum of F1 lost / N).
 * Run: node --import tsx scripts/rag-diagnose.ts [--held-out]
 */
import { generate, NON_ANSWER } from '../src/emulator/model/index.js';
import { readAnswer, splitPrompt } from '../src/emulator/model/reader.js';
import { squadF1 } from '../src/scoring/squad.js';
import { loadRagData, type RagCase } from './rag-data.js';

const heldOut = process.argv.includes('--held-out');
const log = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

function answer(prompt: string): string {
  const out = generate({ messages: [{ role: 'user', text: prompt }], maxTokens: 128, seed: 1 }).text;
  return out.trim() === NON_ANSWER ? '' : out;
}

/** The passage (0-based rank) whose text holds the sentence the RAG read answered from; -1: none (the instructions). */
function answeredFrom(c: RagCase): number {
  const parts = splitPrompt(undefined, [{ role: 'user', text: c.prompt }]);
  const read = readAnswer(parts.question, [{ text: parts.context }]);
  if (!read) return -1;
  return c.passages.findIndex((p) => p.text.includes(read.sentence));
}

const data = await loadRagData(heldOut ? 'both' : 'tuning');
const cases = heldOut ? data.heldOut : data.tuning;
type Row = { cls: string; goldF1: number; ragF1: number; goldAbstained: boolean; goldRank: number; from: number };
const rows: Row[] = [];
for (const c of cases) {
  const goldPred = answer(`Context: ${c.gold}\nQuestion: ${c.item.prompt}`);
  const ragPred = answer(c.prompt);
  const goldF1 = squadF1(goldPred, c.item.references);
  const ragF1 = squadF1(ragPred, c.item.references);
  let cls: string;
  let from = -2;
  if (c.goldRank < 0) cls = 'not-retrieved';
  else if (ragPred === '') cls = goldPred === '' ? 'rag-abstained/gold-abstained-too' : 'rag-abstained/gold-answered';
  else if (goldPred === '') cls = 'rag-answered/gold-abstained';
  else {
    from = answeredFrom(c);
    if (from !== c.goldRank) cls = from < 0 ? 'other-passage/instructions' : 'other-passage';
    else cls = ragPred === goldPred ? 'same' : 'gold-passage-differs';
  }
  rows.push({ cls, goldF1, ragF1, goldAbstained: goldPred === '', goldRank: c.goldRank, from });
}
const n = rows.length;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, v) => s + v, 0) / xs.length);
const r4 = (x: number) => +x.toFixed(4);
log({ split: heldOut ? 'held-out-half' : 'tuning-half', answerable: n, goldF1: r4(mean(rows.map((r) => r.goldF1))), ragF1: r4(mean(rows.map((r) => r.ragF1))), recallAt5: r4(mean(rows.map((r) => (r.goldRank >= 0 ? 1 : 0)))) });
for (const cls of [...new Set(rows.map((r) => r.cls))].sort()) {
  const mine = rows.filter((r) => r.cls === cls);
  log({ class: cls, count: mine.length, share: r4(mine.length / n), goldF1: r4(mean(mine.map((r) => r.goldF1))), ragF1: r4(mean(mine.map((r) => r.ragF1))), gapContribution: r4(mine.reduce((s, r) => s + r.goldF1 - r.ragF1, 0) / n) });
}
// Of the other-passage answers: the gold passage's rank and the rank answered from.
const other = rows.filter((r) => r.cls === 'other-passage');
log({ otherPassage: other.length, goldRankCounts: [0, 1, 2, 3, 4].map((k) => other.filter((r) => r.goldRank === k).length), answeredRankCounts: [0, 1, 2, 3, 4].map((k) => other.filter((r) => r.from === k).length) });
const abst = rows.filter((r) => r.goldRank >= 0);
log({ retrieved: abst.length, ragAbstainRate: r4(mean(abst.map((r) => (r.cls.startsWith('rag-abstained') ? 1 : 0)))), goldAbstainRate: r4(mean(abst.map((r) => (r.goldAbstained ? 1 : 0)))) });
