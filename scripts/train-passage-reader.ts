/**
 * Fits the reference model's passage reader (src/emulator/model/passage-reader.json) on the FIRST half of SQuAD v2
 * dev's articles (file order; the split of bench/squad-reader.bench.ts) and never reads the second half.
 *
 * Every tuning-half question is asked of a Knowledge Base of all dev paragraphs (scripts/rag-data.ts: Retrieve 5,
 * ftrag's default RAG prompt) and each retrieved passage is read on its own (reader.ts readEachPassage).
 *  - Chooser: a conditional log-linear model over the passages' answers (softmax over a question's reads; features
 *    passages.ts SELECT_FEATURES); target = the reads whose answer has the best F1 (questions whose best read has
 *    F1 < 0.5 are left out); L2 penalty; full-batch Adam from zero, fixed steps (deterministic).
 *  - Abstainer: logistic regression, answerable vs unanswerable, on the chosen read's evidence
 *    (PASSAGE_ABSTAIN_FEATURES), with the threshold that maximizes the official v2 F1 on the tuning half while
 *    keeping at least ANSWERABLE_F1_KEPT of the answerable questions' RAG F1 (the gold-mode reader's product
 *    choice, scripts/train-reader.ts); `--no-abstain` writes no abstainer.
 * `--validate`: two-fold cross-validation over the tuning articles (fit on one fold, score the other), to choose
 * the design on data the fit did not see. Run: node --import tsx scripts/train-passage-reader.ts [--validate]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitPrompt, readEachPassage } from '../src/emulator/model/reader.js';
import {
  choosePassage, passageAbstains, PASSAGE_ABSTAIN_FEATURES, SELECT_FEATURES, selectionFeatures, splitPassages, type PassageReaderModel,
} from '../src/emulator/model/passages.js';
import { READER_ABSTAIN_SIGNS, SIGNED } from './abstain-signs.js';
import { squadF1 } from '../src/scoring/squad.js';
import { loadRagData, type RagCase } from './rag-data.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../src/emulator/model/passage-reader.json');
const STEPS = 300;
const LEARNING_RATE = 0.05;
const L2 = Number(process.env.PASSAGE_L2 ?? 1e-2);
const ANSWERABLE_F1_KEPT = 0.95;
/** The reader's signs (scripts/abstain-signs.ts) and the chooser's own evidence. */
const ABSTAIN_SIGNS: Record<(typeof PASSAGE_ABSTAIN_FEATURES)[number], number> = {
  ...READER_ABSTAIN_SIGNS, selectProbability: 1, logOtherPassagesWithAnswer: 1, chosenRank: -1,
};
const log = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const r4 = (x: number) => +x.toFixed(4);

interface Question {
  article: string;
  answerable: boolean;
  reads: ReturnType<typeof readEachPassage>;
  texts: string[];
  /** F1 of each read's answer against the references (0 for unanswerable questions). */
  f1: number[];
}

function questionOf(c: RagCase): Question {
  const parts = splitPrompt(undefined, [{ role: 'user', text: c.prompt }]);
  const passages = splitPassages([{ text: parts.context }]) ?? [];
  const reads = readEachPassage(parts.question, passages);
  const answerable = c.item.references.some((r) => r !== '');
  return { article: c.item.category ?? '', answerable, reads, texts: passages.map((p) => p.source.text), f1: reads.map((r) => (answerable ? squadF1(r.read.answer, c.item.references) : 0)) };
}

/** Adam on a differentiable loss over a weight vector (full batch, deterministic). */
function adam(dim: number, lossGrad: (w: Float64Array, g: Float64Array) => number, project?: (w: Float64Array) => void): Float64Array {
  const w = new Float64Array(dim);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  for (let t = 1; t <= STEPS; t++) {
    g.fill(0);
    lossGrad(w, g);
    for (let j = 0; j < dim; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      w[j] -= (LEARNING_RATE * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
    }
    project?.(w);
  }
  return w;
}

function fitChooser(qs: Question[]): number[] {
  const data = qs.filter((q) => q.answerable && q.reads.length > 1 && Math.max(...q.f1) >= 0.5).map((q) => {
    const best = Math.max(...q.f1);
    return { feats: selectionFeaturesOf(q), target: q.f1.map((f) => f >= best - 1e-9) };
  });
  const dim = SELECT_FEATURES.length;
  const w = adam(dim, (w, g) => {
    let loss = 0;
    for (const { feats, target } of data) {
      const s = feats.map((f) => f.reduce((acc, v, j) => acc + v * w[j], 0));
      const max = Math.max(...s);
      const e = s.map((x) => Math.exp(x - max));
      const z = e.reduce((a, b) => a + b, 0);
      const zt = e.reduce((a, b, i) => a + (target[i] ? b : 0), 0);
      loss += Math.log(z) - Math.log(zt);
      for (let i = 0; i < feats.length; i++) {
        const coef = e[i] / z - (target[i] ? e[i] / zt : 0);
        for (let j = 0; j < dim; j++) g[j] += (coef * feats[i][j]) / data.length;
      }
    }
    for (let j = 0; j < dim; j++) g[j] += L2 * w[j];
    return loss / data.length;
  });
  return Array.from(w, r4);
}

/** The chooser's own features, computed by passages.ts (so training and reading cannot drift apart). */
const selectionFeaturesOf = (q: Question): number[][] => selectionFeatures(q.reads, q.texts);

interface Chosen {
  q: Question;
  chosen: number;
  evidence: number[];
  f1: number;
}

function chooseAll(qs: Question[], weights: number[]): Chosen[] {
  return qs.flatMap((q) => {
    const c = choosePassage(q.reads, q.texts, weights);
    return c ? [{ q, chosen: c.chosen, evidence: c.abstainEvidence, f1: q.f1[c.chosen] }] : [];
  });
}

function fitAbstainer(chosen: Chosen[], answerableCount: number, totalCount: number): NonNullable<PassageReaderModel['abstain']> {
  const data = chosen.filter((c) => c.q.reads[c.chosen].evidence.length > 0);
  const dim = PASSAGE_ABSTAIN_FEATURES.length;
  // Standardize for the fit; fold the scaling back into the weights afterwards.
  const mu = Array.from({ length: dim }, (_, j) => data.reduce((s, c) => s + c.evidence[j], 0) / data.length);
  const sd = Array.from({ length: dim }, (_, j) => Math.sqrt(data.reduce((s, c) => s + (c.evidence[j] - mu[j]) ** 2, 0) / data.length) || 1);
  const x = data.map((c) => [...c.evidence.map((v, j) => (v - mu[j]) / sd[j]), 1]);
  const y = data.map((c) => (c.q.answerable ? 1 : 0));
  const w = adam(dim + 1, (w, g) => {
    for (let i = 0; i < x.length; i++) {
      const z = x[i].reduce((s, v, j) => s + v * w[j], 0);
      const p = 1 / (1 + Math.exp(-z));
      for (let j = 0; j <= dim; j++) g[j] += ((p - y[i]) * x[i][j]) / x.length;
    }
    for (let j = 0; j < dim; j++) g[j] += L2 * w[j];
    return 0;
  }, (w) => {
    // Projected gradient: each weight keeps the sign its evidence can honestly have (ABSTAIN_SIGNS).
    for (let j = 0; j < dim; j++) {
      const sign = ABSTAIN_SIGNS[PASSAGE_ABSTAIN_FEATURES[j]];
      if (SIGNED && sign !== 0 && w[j] * sign < 0) w[j] = 0;
    }
  });
  const weights = Array.from({ length: dim }, (_, j) => w[j] / sd[j]);
  const bias = w[dim] - weights.reduce((s, v, j) => s + v * mu[j], 0);
  const prob = (ev: number[]) => 1 / (1 + Math.exp(-(bias + ev.reduce((s, v, j) => s + v * weights[j], 0))));
  const fullF1 = chosen.filter((c) => c.q.answerable).reduce((s, c) => s + c.f1, 0);
  let best = { threshold: 0, v2: -1 };
  for (let k = 0; k <= 100; k++) {
    const threshold = k / 100;
    let kept = 0;
    // Every unanswerable question counts as a correct abstention until its chosen answer is kept.
    let v2 = totalCount - answerableCount;
    for (const c of chosen) {
      const abstains = c.q.reads[c.chosen].evidence.length > 0 && prob(c.evidence) < threshold;
      if (c.q.answerable && !abstains) kept += c.f1;
      if (!c.q.answerable && !abstains) v2 -= 1;
    }
    v2 += kept;
    if (kept >= ANSWERABLE_F1_KEPT * fullF1 && v2 > best.v2) best = { threshold, v2 };
  }
  return { features: [...PASSAGE_ABSTAIN_FEATURES], weights: weights.map(r4), bias: r4(bias), threshold: best.threshold };
}

function evaluate(qs: Question[], model: PassageReaderModel): Record<string, number> {
  const answerable = qs.filter((q) => q.answerable);
  const unanswerable = qs.filter((q) => !q.answerable);
  let f1 = 0;
  let correctAbstain = 0;
  for (const q of qs) {
    const c = choosePassage(q.reads, q.texts, model.select.weights);
    const abstains = c === undefined || passageAbstains(q.reads, c, model.abstain ?? null);
    if (q.answerable && !abstains) f1 += q.f1[c!.chosen];
    if (!q.answerable && abstains) correctAbstain++;
  }
  const oracle = answerable.reduce((s, q) => s + (q.f1.length > 0 ? Math.max(...q.f1) : 0), 0);
  return { answerable: answerable.length, ragF1: r4(f1 / answerable.length), oracleF1: r4(oracle / answerable.length), correctAbstentions: r4(correctAbstain / Math.max(1, unanswerable.length)), v2F1: r4((f1 + correctAbstain) / qs.length) };
}

function fit(qs: Question[], withAbstain: boolean): PassageReaderModel {
  const select = { features: [...SELECT_FEATURES], weights: fitChooser(qs) };
  if (!withAbstain) return { select };
  const chosen = chooseAll(qs, select.weights);
  return { select, abstain: fitAbstainer(chosen, qs.filter((q) => q.answerable).length, qs.length) };
}

const { tuning } = await loadRagData('tuning', true);
const questions = tuning.map(questionOf);
const withAbstain = !process.argv.includes('--no-abstain');
log({ tuningQuestions: questions.length, answerable: questions.filter((q) => q.answerable).length, L2 });
log({ baseline: 'best span score, no abstention', ...evaluate(questions, { select: { features: [], weights: SELECT_FEATURES.map((f) => (f === 'bestScore' ? 1 : 0)) } }) });
if (process.argv.includes('--validate')) {
  const articles = [...new Set(questions.map((q) => q.article))];
  const folds = [new Set(articles.filter((_, i) => i % 2 === 0)), new Set(articles.filter((_, i) => i % 2 === 1))];
  for (const [k, fold] of folds.entries()) {
    const train = questions.filter((q) => !fold.has(q.article));
    const test = questions.filter((q) => fold.has(q.article));
    const model = fit(train, withAbstain);
    log({ fold: k, fittedOn: train.length, scoredOn: test.length, ...evaluate(test, model), chooserOnly: evaluate(test, { select: model.select }).ragF1 });
  }
} else {
  const model = fit(questions, withAbstain);
  log({ fitted: 'tuning half', ...evaluate(questions, model), chooserOnly: evaluate(questions, { select: model.select }).ragF1 });
  writeFileSync(OUT, `${JSON.stringify(model, null, 2)}\n`);
  log({ wrote: OUT });
}
