/**
 * Fits the reference model's span ranker (src/emulator/model/span-ranker.json) on the FIRST half of SQuAD v2 dev's
 * articles (file order; the same split as bench/squad-reader.bench.ts) and never reads the second half.
 *
 * Ranker: a conditional log-linear model over every candidate span of the sentences the reader lets compete (the
 * SQuAD paper's logistic-regression baseline, unlexicalized). The target of a question is the set of candidates
 * with the best F1 against its gold answers (questions whose best candidate has F1 < 0.5 are left out: no candidate
 * is right); the loss is -log of the probability the model gives that set, plus an L2 penalty; full-batch Adam
 * from zero weights, a fixed number of steps (deterministic).
 * Abstention: a logistic regression on answer-confidence evidence (reader.ts readWithEvidence), held to the signs of
 * scripts/abstain-signs.ts (`--unsigned` lifts them), answerable vs unanswerable, then the probability threshold that maximizes the official v2 F1 on the same first half.
 *
 * Run: npm run train:reader   (writes src/emulator/model/span-ranker.json; prints the fit figures as JSON lines)
 *      --validate: two-fold cross-validation on the tuning half; --recall: the candidate generator's ceiling, by type
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSquadV2 } from '../src/datasets/squad.js';
import type { EvalItem } from '../src/datasets/types.js';
import { ABSTAIN_FEATURES, competingSentences, prepareReading, readWithEvidence, sentenceView, splitPrompt } from '../src/emulator/model/reader.js';
import { FEATURE_COUNT, FEATURE_NAMES } from '../src/emulator/model/span-features.js';
import { analyzeQuestion } from '../src/emulator/model/question.js';
import { rankSpans, type RankerModel } from '../src/emulator/model/span-ranker.js';
import type { Token } from '../src/emulator/model/spans.js';
import { READER_ABSTAIN_SIGNS, SIGNED } from './abstain-signs.js';
import { squadExact, squadF1 } from '../src/scoring/squad.js';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '../src/emulator/model/span-ranker.json');
const STEPS = 400;
const LEARNING_RATE = 0.05;
const L2 = Number(process.env.RANKER_L2 ?? 1e-2);
/** The abstention threshold may cost at most 5% of the answerable questions' F1 (on the tuning half). */
const ANSWERABLE_F1_KEPT = 0.95;
const log = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

function findShared(relative: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${relative} not found beside the checkout`);
  }
}

/** The prompt the benches and the slice test send; split exactly as generate() splits it. */
function sourcesOf(item: EvalItem) {
  const parts = splitPrompt(undefined, [{ role: 'user', text: `Context: ${item.contexts![0]}\nQuestion: ${item.prompt}` }]);
  return { question: parts.question, sources: [{ text: parts.context }] };
}

interface Example {
  /** Candidate c's features are index/value[offsets[c] .. offsets[c+1]). */
  offsets: Int32Array;
  index: Int32Array;
  value: Float32Array;
  target: Uint8Array;
}

function examples(items: EvalItem[]): { data: Example[]; oracleExact: number; considered: number } {
  const zero = new Float64Array(FEATURE_COUNT);
  const data: Example[] = [];
  let oracleExact = 0;
  let considered = 0;
  for (const item of items) {
    const { question, sources } = sourcesOf(item);
    const r = prepareReading(question, sources);
    if (!r || r.order.length === 0) continue;
    considered++;
    const offsets = [0];
    const index: number[] = [];
    const value: number[] = [];
    const f1s: number[] = [];
    for (const [rank, s] of competingSentences(r).entries()) {
      const text = r.sentences[s].text;
      rankSpans(sentenceView(r, s, rank), (start, end, fv) => {
        for (let k = 0; k < fv.size; k++) {
          index.push(fv.index[k]);
          value.push(fv.value[k]);
        }
        offsets.push(index.length);
        f1s.push(squadF1(text.slice(start, end), item.references));
      }, zero);
    }
    const best = Math.max(0, ...f1s);
    if (best >= 1) oracleExact++;
    if (best < 0.5) continue;
    data.push({ offsets: Int32Array.from(offsets), index: Int32Array.from(index), value: Float32Array.from(value), target: Uint8Array.from(f1s.map((f) => (f >= best - 1e-9 ? 1 : 0))) });
  }
  return { data, oracleExact, considered };
}

/** Full-batch Adam on the mean negative log-likelihood of each question's target set, plus L2. */
function fitRanker(data: Example[]): Float64Array {
  const w = new Float64Array(FEATURE_COUNT);
  const m = new Float64Array(FEATURE_COUNT);
  const v = new Float64Array(FEATURE_COUNT);
  const grad = new Float64Array(FEATURE_COUNT);
  for (let step = 1; step <= STEPS; step++) {
    grad.fill(0);
    let loss = 0;
    for (const ex of data) {
      const n = ex.target.length;
      const scores = new Float64Array(n);
      let max = -Infinity;
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let k = ex.offsets[c]; k < ex.offsets[c + 1]; k++) s += w[ex.index[k]] * ex.value[k];
        scores[c] = s;
        if (s > max) max = s;
      }
      let z = 0;
      let zt = 0;
      for (let c = 0; c < n; c++) {
        const e = Math.exp(scores[c] - max);
        scores[c] = e;
        z += e;
        if (ex.target[c]) zt += e;
      }
      loss += Math.log(z) - Math.log(zt);
      for (let c = 0; c < n; c++) {
        const g = scores[c] / z - (ex.target[c] ? scores[c] / zt : 0);
        if (g === 0) continue;
        for (let k = ex.offsets[c]; k < ex.offsets[c + 1]; k++) grad[ex.index[k]] += g * ex.value[k];
      }
    }
    for (let i = 0; i < FEATURE_COUNT; i++) {
      const g = grad[i] / data.length + L2 * w[i];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      w[i] -= (LEARNING_RATE * (m[i] / (1 - 0.9 ** step))) / (Math.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8);
    }
    if (step % 50 === 0 || step === 1) log({ stage: 'ranker', step, loss: +(loss / data.length).toFixed(4) });
  }
  return w;
}

/** Logistic regression (answerable = 1) by full-batch gradient descent on standardized evidence; returns raw-scale weights. */
function fitAbstainer(x: number[][], y: number[]): { weights: number[]; bias: number } {
  const d = x[0].length;
  const mu = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j], 0) / x.length);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - mu[j]) ** 2, 0) / x.length) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mu[j]) / sd[j]));
  const w = new Array(d).fill(0);
  let b = 0;
  for (let step = 0; step < 2000; step++) {
    const gw = new Array(d).fill(0);
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = 1 / (1 + Math.exp(-(b + z[i].reduce((s, v, j) => s + v * w[j], 0))));
      const e = p - y[i];
      gb += e;
      for (let j = 0; j < d; j++) gw[j] += e * z[i][j];
    }
    for (let j = 0; j < d; j++) {
      w[j] -= 0.5 * (gw[j] / z.length + 1e-3 * w[j]);
      // Projected gradient: each weight keeps the sign its evidence can honestly have (scripts/abstain-signs.ts).
      const sign = SIGNED ? READER_ABSTAIN_SIGNS[ABSTAIN_FEATURES[j]] : 0;
      if (sign !== 0 && w[j] * sign < 0) w[j] = 0;
    }
    b -= 0.5 * (gb / z.length);
  }
  const weights = w.map((wj, j) => wj / sd[j]);
  return { weights, bias: b - weights.reduce((s, wj, j) => s + wj * mu[j], 0) };
}

/** Area under the ROC curve of p for labels y (ties count half). */
function auc(p: number[], y: number[]): number {
  const order = p.map((v, i) => i).sort((a, b) => p[a] - p[b]);
  let rankSum = 0;
  let k = 0;
  while (k < order.length) {
    let e = k;
    while (e + 1 < order.length && p[order[e + 1]] === p[order[k]]) e++;
    for (let m = k; m <= e; m++) if (y[order[m]] === 1) rankSum += (k + e) / 2 + 1;
    k = e + 1;
  }
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / Math.max(1, pos * neg);
}

const { items } = await readSquadV2(findShared('data/squad-dev-v2.0-cs224n.json'));
const titles = [...new Set(items.map((i) => i.category ?? ''))];
const tuneTitles = new Set(titles.slice(0, Math.floor(titles.length / 2)));
const tuning = items.filter((i) => tuneTitles.has(i.category ?? ''));
const answerable = tuning.filter((i) => i.references.some((r) => r !== ''));
log({ stage: 'split', articles: titles.length, tuningArticles: tuneTitles.size, tuningQuestions: tuning.length, answerable: answerable.length });

// --validate: two-fold cross-validation over the tuning articles (even / odd), raw reader answers (no abstention).
// This is how model choices were made without looking at the held-out half; it writes nothing.
if (process.argv.includes('--validate')) {
  const articles = [...tuneTitles];
  let exact = 0;
  let f = 0;
  const byType: Record<string, { n: number; exact: number; wrongSentence: number; noAnswer: number }> = {};
  for (const fold of [0, 1]) {
    const fitTitles = new Set(articles.filter((_, k) => k % 2 === fold));
    const w = fitRanker(examples(answerable.filter((i) => fitTitles.has(i.category ?? ''))).data);
    for (const item of answerable.filter((i) => !fitTitles.has(i.category ?? ''))) {
      const { question, sources } = sourcesOf(item);
      const read = readWithEvidence(question, sources, w);
      const answer = read?.answer ?? '';
      exact += squadExact(answer, item.references);
      f += squadF1(answer, item.references);
      if (process.env.RANKER_ERRORS) {
        const type = analyzeQuestion(question).type;
        const t = (byType[type] ??= { n: 0, exact: 0, wrongSentence: 0, noAnswer: 0 });
        t.n++;
        t.exact += squadExact(answer, item.references);
        if (!squadExact(answer, item.references) && Math.random() < 0.06 && read) log({ type, q: question, gold: item.references[0], pred: answer, sent: read.sentence.slice(0, 160) });
        if (!read) t.noAnswer++;
        else if (!item.references.some((g) => squadF1(read.sentence, [g]) > 0 && read.sentence.toLowerCase().includes(g.toLowerCase()))) t.wrongSentence++;
      }
    }
  }
  if (process.env.RANKER_ERRORS) log({ byType });
  log({ stage: 'validate', questions: answerable.length, exact: +(exact / answerable.length).toFixed(4), f1: +(f / answerable.length).toFixed(4) });
  process.exit(0);
}

// --recall: how often the candidate generator can be right at all (tuning half, answerable): the share of questions
// with a candidate exactly matching a gold answer in the sentence that holds it and among the competing sentences,
// by answer type, and the word-class shapes of the gold answers no candidate matches (what the chunker misses).
// Tags: X content, N number, V verb, A auxiliary, O pronoun, W wh, P punctuation; closed-class words by themselves.
if (process.argv.includes('--recall')) {
  const zero = new Float64Array(FEATURE_COUNT);
  const byType: Record<string, { n: number; goldSentenceCompetes: number; exactInGoldSentence: number; exactAmongCompeting: number }> = {};
  const shapes = new Map<string, number>();
  for (const item of answerable) {
    const { question, sources } = sourcesOf(item);
    const r = prepareReading(question, sources);
    const t = (byType[(r?.analysis ?? analyzeQuestion(question)).type] ??= { n: 0, goldSentenceCompetes: 0, exactInGoldSentence: 0, exactAmongCompeting: 0 });
    t.n++;
    if (!r) continue;
    const competing = new Set(competingSentences(r));
    let inGold = false;
    let inCompeting = false;
    let goldCompetes = false;
    let missed: { tokens: Token[]; start: number; end: number } | undefined;
    r.sentences.forEach((s, i) => {
      const gold = item.references.find((g) => g !== '' && s.text.includes(g));
      if (gold === undefined && !competing.has(i)) return;
      let exact = false;
      const view = sentenceView(r, i, 0);
      rankSpans(view, (start, end) => void (exact ||= squadExact(s.text.slice(start, end), item.references) === 1), zero);
      if (gold !== undefined) {
        if (competing.has(i)) goldCompetes = true;
        if (exact) inGold = true;
        else missed ??= { tokens: view.tokens, start: s.text.indexOf(gold), end: s.text.indexOf(gold) + gold.length };
      }
      if (exact && competing.has(i)) inCompeting = true;
    });
    if (goldCompetes) t.goldSentenceCompetes++;
    if (inGold) t.exactInGoldSentence++;
    if (inCompeting) t.exactAmongCompeting++;
    if (!inGold && missed !== undefined) {
      const { start, end } = missed;
      const tokens = missed.tokens.filter((k) => k.end > start && k.start < end);
      const shape = tokens.map((k) => (k.tag === 'X' || k.tag === 'N' || k.tag === 'V' || k.tag === 'A' || k.tag === 'O' || k.tag === 'W' || k.tag === 'P' ? k.tag : k.lower)).join(' ');
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
  }
  for (const [type, t] of Object.entries(byType)) {
    log({ stage: 'recall', type, questions: t.n, goldSentenceCompetes: +(t.goldSentenceCompetes / t.n).toFixed(3), exactInGoldSentence: +(t.exactInGoldSentence / t.n).toFixed(3), exactAmongCompeting: +(t.exactAmongCompeting / t.n).toFixed(3) });
  }
  log({ stage: 'missed-shapes', top: [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 20) });
  process.exit(0);
}

const { data, oracleExact, considered } = examples(answerable);
log({ stage: 'candidates', questions: considered, trainable: data.length, oracleExactShare: +(oracleExact / answerable.length).toFixed(4), meanCandidates: Math.round(data.reduce((s, e) => s + e.target.length, 0) / data.length) });
const weights = fitRanker(data);
const model: RankerModel = { features: [...FEATURE_NAMES], weights: [...weights].map((x) => +x.toFixed(4)) };
writeFileSync(OUT, `${JSON.stringify(model, null, 1)}\n`);

// The abstainer is fitted on the reader's behaviour with the weights just written.
const x: number[][] = [];
const y: number[] = [];
const f1: number[] = [];
// v2 F1 over all tuning questions: an abstained unanswerable scores 1, an answered question its F1 (0 when it is
// unanswerable). Questions the reader already declines (too little coverage) and answers it never abstains on
// (lists, either-or) are a constant part of the sum.
let constant = 0;
for (const item of tuning) {
  const { question, sources } = sourcesOf(item);
  const read = readWithEvidence(question, sources, Float64Array.from(model.weights));
  const isAnswerable = item.references.some((r) => r !== '');
  if (!read || read.evidence.length === 0) {
    constant += read ? squadF1(read.answer, item.references) : isAnswerable ? 0 : 1;
    continue;
  }
  x.push(read.evidence);
  y.push(isAnswerable ? 1 : 0);
  f1.push(isAnswerable ? squadF1(read.answer, item.references) : 0);
}
const fitted = fitAbstainer(x, y);
const prob = x.map((r) => 1 / (1 + Math.exp(-(fitted.bias + r.reduce((s, v, j) => s + v * fitted.weights[j], 0)))));
// SQuAD v2's unanswerable questions are written to look answerable, so the v2-optimal threshold abstains on almost
// everything. The threshold is the v2-best one that keeps at least ANSWERABLE_F1_KEPT of the answerable questions' F1
// (a reader that gives up on real questions is no use to anyone).
const answeredF1 = f1.reduce((s, v, i) => s + (y[i] === 1 ? v : 0), 0);
let bestThreshold = 0;
let bestV2 = -1;
for (let t = 0; t <= 0.9; t += 0.005) {
  let total = constant;
  let kept = 0;
  for (let i = 0; i < x.length; i++) {
    total += prob[i] < t ? (y[i] === 0 ? 1 : 0) : f1[i];
    if (prob[i] >= t && y[i] === 1) kept += f1[i];
  }
  const v2 = total / tuning.length;
  if (kept >= ANSWERABLE_F1_KEPT * answeredF1 && v2 > bestV2 + 1e-12) {
    bestV2 = v2;
    bestThreshold = +t.toFixed(3);
  }
}
log({ stage: 'abstainer-fit', auc: +auc(prob, y).toFixed(4), weights: fitted.weights.map((w) => +w.toFixed(3)) });
model.abstain = { features: [...ABSTAIN_FEATURES], weights: fitted.weights.map((w) => +w.toFixed(4)), bias: +fitted.bias.toFixed(4), threshold: bestThreshold };
writeFileSync(OUT, `${JSON.stringify(model, null, 1)}\n`);
log({ stage: 'abstainer', threshold: bestThreshold, tuningV2F1: +bestV2.toFixed(4), written: OUT });
