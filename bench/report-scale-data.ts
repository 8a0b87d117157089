/**
 * A synthetic but realistic large run for the report-scale bench: the fixture run's structure, scores, latencies,
 * tokens and summaries (test/fixtures/run-results/build-run-result.ts, computed from its items) with the texts
 * replaced by real English from the shared SQuAD 2.0 dev file, so the text compresses like real text does, not like
 * a 20-word vocabulary. Questions are SQuAD questions, references their answers; extractive systems answer with a
 * span, generative (RAG) systems with one or two sentences of the paragraph (the sentence holding the answer when
 * the item is scored right); RAG contexts are SQuAD paragraphs (shared by the questions on them, as KB chunks are).
 * About one item in a thousand carries hostile HTML in an answer, a reference or a passage, spread over the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ItemResult } from '../src/schema/run-result.js';
import type { InMemoryRun } from '../test/fixtures/run-results/in-memory.js';
import { mulberry32 } from '../src/util/random.js';
import { buildRunResult, HOSTILE } from '../test/fixtures/run-results/build-run-result.js';
import { searchWords } from '../src/report/drilldown-words.js';

interface Question {
  question: string;
  answers: string[];
  paragraph: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

function squadFile(): string | undefined {
  for (let dir = join(HERE, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'data', 'squad-dev-v2.0-cs224n.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function loadSquad(): { questions: Question[]; paragraphs: string[]; sentences: string[][] } {
  const file = squadFile();
  if (!file) throw new Error('report-scale bench needs ../shared/data/squad-dev-v2.0-cs224n.json for realistic text');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { data: Array<{ paragraphs: Array<{ context: string; qas: Array<{ question: string; answers: Array<{ text: string }> }> }> }> };
  const questions: Question[] = [];
  const paragraphs: string[] = [];
  for (const article of doc.data) {
    for (const p of article.paragraphs) {
      const index = paragraphs.push(p.context) - 1;
      for (const qa of p.qas) questions.push({ question: qa.question, answers: [...new Set(qa.answers.map((a) => a.text))], paragraph: index });
    }
  }
  const sentences = paragraphs.map((p) => p.split(/(?<=[.!?])\s+/).filter((s) => s.length > 0));
  return { questions, paragraphs, sentences };
}

export interface ScaleRun {
  run: InMemoryRun;
  items: ItemResult[];
  /** Characters of prompt, reference, output and passage text in the items (passages counted once per use). */
  textChars: number;
}

/** Builds the run (summaries consistent with the items) and its items with real-English texts. Deterministic. */
export function buildScaleRun(count: number, seed = 7): ScaleRun {
  const { questions, paragraphs, sentences } = loadSquad();
  const run = buildRunResult({ items: count, seed });
  const items = run.items;
  run.items = [];
  const rand = mulberry32(seed ^ 0x5eed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  let textChars = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    // A stride co-prime with the question count spreads neighbouring items over different articles.
    const q = questions[(i * 2659) % questions.length];
    const reference = q.answers[0] ?? '';
    const keepFixtureText = i < 6; // the fixture's hostile cases stay where the browser test looks for them
    if (!keepFixtureText) {
      it.prompt = q.question;
      it.references = q.answers.length ? q.answers : [''];
    }
    textChars += it.prompt.length + it.references.reduce((n, r) => n + r.length, 0);
    for (const [sid, r] of Object.entries(it.results)) {
      if (!keepFixtureText && !r.error) {
        const right = r.scores.exact === 1;
        const own = sentences[q.paragraph];
        const generative = sid.startsWith('rag');
        if (generative) {
          const holding = own.find((s) => s.includes(reference)) ?? pick(own);
          r.output = right ? holding : `${pick(own)}${rand() < 0.5 ? ` ${pick(own)}` : ''}`;
        } else if (right) {
          r.output = reference;
        } else {
          const other = pick(sentences);
          const words = pick(other).split(' ');
          const start = Math.floor(rand() * Math.max(1, words.length - 6));
          r.output = words.slice(start, start + 1 + Math.floor(rand() * 6)).join(' ');
        }
        if (r.contexts?.length) {
          r.contexts = [
            { text: paragraphs[q.paragraph], uri: `s3://squad-kb/paragraph-${q.paragraph}.txt`, score: r.contexts[0].score },
            { text: paragraphs[(q.paragraph + 1) % paragraphs.length], uri: `s3://squad-kb/paragraph-${(q.paragraph + 1) % paragraphs.length}.txt`, score: r.contexts[1]?.score ?? 0.4 },
          ];
          r.citations = [{ text: r.output, uris: [`s3://squad-kb/paragraph-${q.paragraph}.txt`] }];
        }
      }
      if (i >= 6 && i % 997 === 0 && sid === 'base') r.output = `${HOSTILE.closeScript} ${r.output} ${HOSTILE.img}`;
      if (i >= 6 && i % 1409 === 0 && sid === 'rag' && r.contexts?.length) r.contexts[0] = { ...r.contexts[0], text: `${HOSTILE.jsLink} ${r.contexts[0].text}`, uri: HOSTILE.jsUri };
      textChars += r.output.length + (r.contexts ?? []).reduce((n, c) => n + c.text.length, 0);
    }
    if (i >= 6 && i % 1201 === 0) it.references = [...it.references, HOSTILE.script];
  }
  return { run, items, textChars };
}

/** Words as the report's search sees them: lower-cased runs of letters and digits. */
/**
 * A rare word that is really in the run, for the bench's rare-word search: of the words (six letters or more) found in
 * between 5 and 20 items' question, references or answers, the one in the most items, ties broken alphabetically.
 * Deterministic for a run. Returns the word and how many items hold it (what a complete search finds).
 */
export function rareWord(items: ItemResult[]): { word: string; items: number } {
  const seenIn = new Map<string, number>();
  const lastItem = new Map<string, number>();
  items.forEach((it, k) => {
    const texts = [it.prompt, ...it.references, ...Object.values(it.results).map((r) => r.output)];
    for (const w of texts.flatMap(searchWords)) {
      if (w.length < 6 || !/^\p{L}+$/u.test(w) || lastItem.get(w) === k) continue;
      lastItem.set(w, k);
      seenIn.set(w, (seenIn.get(w) ?? 0) + 1);
    }
  });
  let best: { word: string; items: number } | undefined;
  for (const [word, n] of seenIn) {
    if (n < 5 || n > 20) continue;
    if (!best || n > best.items || (n === best.items && word < best.word)) best = { word, items: n };
  }
  if (!best) throw new Error('report-scale bench: no word of six letters or more is in 5 to 20 items; use more items');
  return best;
}
