/**
 * Fine-tuning the reference model: mini-batch SGD on softmax cross-entropy (see classifier.ts for the model).
 *
 * Step size: eta_t = BASE_STEP * batchSize * (learningRate / baseDefaultLearningRate) * warmup(t) applied to the
 * batch-mean gradient (the linear scaling rule), i.e. every example moves the weights by the same amount whatever
 * the batch size, and a higher learning rate learns faster. Each weight's step is further scaled AdaGrad-style by
 * 1/sqrt(1 + its summed squared gradients). Warm-up is linear over learningRateWarmupSteps, then constant. No weight
 * decay. An aborted signal rejects the promise with an Error named 'AbortError'.
 */
import type { HyperParameters, TrainedModel, TrainingExample, TrainingOutcome, TrainingStep } from './api.js';
import { Classifier, serializeClassifier, softmaxWithAbstain } from './classifier.js';
import { LossCurve } from './loss-curve.js';
import { hashedPromptFeatures, type SparseVector } from './features.js';
import { buildTemplate, maskSlots, templateKey, type Template } from './templates.js';
import { seededRandom } from './text.js';

/** Base step per example at the model's default learning rate (before AdaGrad scaling; features are L2-normalized). */
export const BASE_STEP = 16;
/** A validation completion outside the candidate templates gets this share of the abstain mass. */
export const UNSEEN_SHARE = 0.01;
/** Per-example validation loss is capped (nats) so one unseen completion cannot dominate the mean. */
export const LOSS_CAP = 10;

export interface TrainOptions {
  seed: number;
  baseDefaultLearningRate: number;
  onStep?: (s: TrainingStep) => void;
  signal?: AbortSignal;
}

interface Prepared {
  x: SparseVector;
  target: number;
  candidates: number[];
}

export async function trainModel(
  examples: TrainingExample[],
  validation: TrainingExample[],
  hyper: HyperParameters,
  opts: TrainOptions,
): Promise<TrainingOutcome> {
  const epochs = Math.max(1, Math.floor(hyper.epochCount));
  const batchSize = Math.max(1, Math.floor(hyper.batchSize));
  const lrRatio = opts.baseDefaultLearningRate > 0 ? Math.max(0, hyper.learningRate) / opts.baseDefaultLearningRate : 1;
  const warmup = Math.max(0, Math.floor(hyper.learningRateWarmupSteps));

  const { classifier, byKey, classOfExample, featureTexts } = buildUntrained(examples);
  const train = examples.map((e, i): Prepared => {
    const x = classifier.vectorize(featureTexts[i]);
    const target = classOfExample[i];
    const candidates = classifier.candidates(x);
    // The target always competes during training, even in the rare case gating ranks it below the limit.
    if (!candidates.includes(target)) candidates.splice(candidates.length - 1, candidates.length > 0 ? 1 : 0, target);
    return { x, target, candidates };
  });
  const valid = validation.map((e): Prepared => {
    const t = buildTemplate(e.prompt, e.completion);
    const x = classifier.vectorize(maskSlots(t, e.prompt) ?? e.prompt);
    const target = byKey.get(templateKey(t)) ?? -1;
    return { x, target, candidates: classifier.candidates(x) };
  });

  const curve = new LossCurve(opts.onStep);
  const validationCurve: TrainingStep[] = [];
  const maxFeatures = train.reduce((m, p) => Math.max(m, p.x.ids.length), 1);
  const scratch = new Int32Array(2 * maxFeatures);
  const gradIndex: number[] = [];
  const gradValue: number[] = [];
  // AdaGrad: per-weight steps shrink with the squared gradients seen, so weights shared by many templates settle
  // instead of oscillating; starting at 1 makes the first steps plain SGD.
  const sumSq = new Float32Array(classifier.weights.length).fill(1);

  for (let epoch = 1; epoch <= epochs && train.length > 0; epoch++) {
    const order = shuffled(train.length, seededRandom((opts.seed ^ Math.imul(epoch, 0x9e3779b9)) >>> 0));
    curve.startEpoch();
    for (let start = 0; start < order.length; start += batchSize) {
      throwIfAborted(opts.signal);
      gradIndex.length = 0;
      gradValue.length = 0;
      let batchLoss = 0;
      const end = Math.min(order.length, start + batchSize);
      for (let b = start; b < end; b++) batchLoss += accumulate(classifier, train[order[b]], scratch, gradIndex, gradValue);
      batchLoss /= end - start;
      const scale = BASE_STEP * lrRatio * (warmup > 0 ? Math.min(1, (curve.step + 1) / warmup) : 1);
      for (let k = 0; k < gradIndex.length; k++) {
        const i = gradIndex[k];
        const g = gradValue[k];
        classifier.weights[i] -= (scale * g) / Math.sqrt(sumSq[i]);
        sumSq[i] += g * g;
      }
      await curve.record(epoch, batchLoss);
    }
    if (valid.length > 0) validationCurve.push({ step: curve.step - 1, epoch, loss: validationLoss(classifier, valid) });
  }
  throwIfAborted(opts.signal);

  const model: TrainedModel = serializeClassifier(classifier, {
    trainedOn: { examples: examples.length, templates: classifier.templates.length, epochs, batchSize, lrRatio, warmup, seed: opts.seed },
  });
  return {
    model,
    trainingCurve: curve.points,
    validationCurve,
    finalTrainingLoss: curve.finalLoss(),
    finalValidationLoss: validationCurve.length > 0 ? validationCurve[validationCurve.length - 1].loss : undefined,
  };
}

/** Forward pass and softmax cross-entropy gradient of one example; returns its loss. */
function accumulate(c: Classifier, ex: Prepared, scratch: Int32Array, gradIndex: number[], gradValue: number[]): number {
  const matches: Int32Array[] = [];
  const z = ex.candidates.map((cls) => {
    const n = c.match(ex.x, cls, scratch);
    const m = scratch.slice(0, 2 * n);
    matches.push(m);
    let s = 0;
    for (let k = 0; k < n; k++) s += ex.x.values[m[k * 2]] * c.weights[m[k * 2 + 1]];
    return s;
  });
  const { probabilities } = softmaxWithAbstain(z);
  let loss = 0;
  ex.candidates.forEach((cls, i) => {
    const g = probabilities[i] - (cls === ex.target ? 1 : 0);
    if (cls === ex.target) loss = -Math.log(Math.max(probabilities[i], 1e-12));
    const m = matches[i];
    for (let k = 0; k < m.length; k += 2) {
      gradIndex.push(m[k + 1]);
      gradValue.push(g * ex.x.values[m[k]]);
    }
  });
  return loss;
}

function validationLoss(c: Classifier, valid: Prepared[]): number {
  let total = 0;
  for (const ex of valid) {
    const { probabilities, abstain } = c.distribution(ex.x, ex.candidates);
    const i = ex.target >= 0 ? ex.candidates.indexOf(ex.target) : -1;
    const p = i >= 0 ? probabilities[i] : abstain * UNSEEN_SHARE;
    total += Math.min(LOSS_CAP, -Math.log(Math.max(p, 1e-300)));
  }
  return total / valid.length;
}

/** Templates from the training completions, and each template's support: the features of its training prompts. */
function buildUntrained(examples: TrainingExample[]): {
  classifier: Classifier;
  byKey: Map<string, number>;
  classOfExample: number[];
  featureTexts: string[];
} {
  const templates: Template[] = [];
  const byKey = new Map<string, number>();
  const classOfExample: number[] = [];
  const featureTexts: string[] = [];
  const supports: Set<number>[] = [];
  const df = new Map<number, number>();
  for (const e of examples) {
    const t = buildTemplate(e.prompt, e.completion);
    const key = templateKey(t);
    let cls = byKey.get(key);
    if (cls === undefined) {
      cls = templates.length;
      byKey.set(key, cls);
      templates.push(t);
      supports.push(new Set());
    }
    classOfExample.push(cls);
    const featureText = maskSlots(t, e.prompt) ?? e.prompt;
    featureTexts.push(featureText);
    const raw = hashedPromptFeatures(featureText);
    for (const id of raw.ids) {
      supports[cls].add(id);
      df.set(id, (df.get(id) ?? 0) + 1);
    }
  }
  const offsets = new Int32Array(templates.length + 1);
  const total = supports.reduce((s, set) => s + set.size, 0);
  const ids = new Int32Array(total);
  let k = 0;
  supports.forEach((set, c) => {
    offsets[c] = k;
    for (const id of [...set].sort((a, b) => a - b)) ids[k++] = id;
  });
  offsets[templates.length] = k;
  const n = examples.length;
  const idf = new Map<number, number>();
  for (const [id, count] of df) if (count >= 2) idf.set(id, Math.log((1 + n) / (1 + count)) + 1);
  const classifier = new Classifier(templates, offsets, ids, new Float32Array(total), n, idf);
  return { classifier, byKey, classOfExample, featureTexts };
}

function shuffled(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const err = new Error('training stopped');
  err.name = 'AbortError';
  throw err;
}
