/**
 * Reading several retrieved passages (Knowledge Base generation, or a prompt that lists "[1] ... [2] ..."), the way
 * multi-passage extractive QA baselines do: read each passage on its own (its own sentence rarities, coverages and
 * best span, so the span ranker sees what it was fitted on: one paragraph), then choose among the passages' answers
 * with a fitted log-linear model over generic evidence (the span score and coverage each passage gives, the
 * passage's retrieval rank, how many other passages contain the same answer), and abstain with an abstainer fitted
 * on passage reads, not on single gold paragraphs. Weights: passage-reader.json, written by
 * `node --import tsx scripts/train-passage-reader.ts` from the FIRST half of SQuAD v2 dev's articles only.
 */
import trained from './passage-reader.json' with { type: 'json' };
import type { ContextSource } from './layout.js';
import { EDIT_FEATURES, OVERLAP_FEATURES } from './abstain.js';
import { words } from './text.js';

/** A passage label at the start of a line, as ftrag's and Bedrock's RAG prompts number their search results. */
const LABEL_RE = /^[ \t]*\[(\d{1,3})\][ \t]*/u;

/** One passage to read: its text, retrieval rank (0 = first; undefined for unlabelled text such as instructions). */
export interface Passage {
  source: ContextSource;
  rank?: number;
}

/**
 * The passages in the sources: each GenerateRequest passage, and each "[n]"-labelled block of prompt text (to the
 * next label); text outside any label is one more, unranked, passage. Undefined when there are fewer than two
 * ranked passages (then the sources are read as one text).
 */
export function splitPassages(sources: ContextSource[]): Passage[] | undefined {
  const out: Passage[] = [];
  for (const src of sources) {
    if (src.passageIndex !== undefined) {
      out.push({ source: src, rank: src.passageIndex });
      continue;
    }
    let rest: string[] = [];
    let current: { lines: string[]; rank: number } | undefined;
    const flush = () => {
      if (current && current.lines.join('').trim() !== '') out.push({ source: { text: current.lines.join('\n') }, rank: current.rank });
    };
    for (const line of src.text.split('\n')) {
      const m = LABEL_RE.exec(line);
      if (m) {
        flush();
        current = { lines: [line.slice(m[0].length)], rank: Number(m[1]) - 1 };
      } else if (current) current.lines.push(line);
      else rest.push(line);
    }
    flush();
    if (rest.join('').trim() !== '') out.push({ source: { text: rest.join('\n') } });
    rest = [];
  }
  return out.filter((p) => p.rank !== undefined).length >= 2 ? out : undefined;
}

/** What one passage's own reading says (reader.ts readWithEvidence on that passage alone). */
export interface PassageRead {
  answer: string;
  rank?: number;
  /** The reader's abstention evidence (ABSTAIN_FEATURES); empty for list and either-or answers. */
  evidence: number[];
  /** The passage's best and its chosen sentence's coverage with rarities pooled over all passages. */
  pooledCoverage: [number, number];
}

/** Retrieval ranks with a feature of their own; later ranks share the last one. */
const RANKS = 5;

export const SELECT_FEATURES = [
  ...OVERLAP_FEATURES,
  'structuredAnswer', 'unranked', ...Array.from({ length: RANKS }, (_, k) => `rank${k + 1}`), 'logOtherPassagesWithAnswer', 'bestScoreMinusMax',
  'pooledTopCoverage', 'pooledChosenCoverage', 'pooledTopMinusMax',
] as const;

export const PASSAGE_ABSTAIN_FEATURES = [
  ...OVERLAP_FEATURES, ...EDIT_FEATURES, 'selectProbability', 'logOtherPassagesWithAnswer', 'chosenRank',
] as const;

export interface PassageReaderModel {
  select: { features: string[]; weights: number[] };
  abstain?: { features: string[]; weights: number[]; bias: number; threshold: number };
}

export const PASSAGE_MODEL = trained as PassageReaderModel;
/** Whether committed weights were fitted on these feature names, in this order. */
export const modelFits = (m: { features: string[] }, names: readonly string[]) => m.features.length === names.length && m.features.every((f, i) => f === names[i]);
const SELECT_WEIGHTS = modelFits(PASSAGE_MODEL.select, SELECT_FEATURES) ? PASSAGE_MODEL.select.weights : undefined;
const ABSTAIN = PASSAGE_MODEL.abstain && modelFits(PASSAGE_MODEL.abstain, PASSAGE_ABSTAIN_FEATURES) ? PASSAGE_MODEL.abstain : undefined;

const normalized = (s: string) => words(s).join(' ');

/** How many evidence values the chooser weighs (the overlap part of a read's evidence) and how many a read carries in all. */
const SELECT_EVIDENCE = OVERLAP_FEATURES.length;
const EVIDENCE_LENGTH = SELECT_EVIDENCE + EDIT_FEATURES.length;
const noEvidence = (n: number) => new Array<number>(n).fill(0);

/** The selection features of every read (same order as reads). */
export function selectionFeatures(reads: PassageRead[], passageTexts: string[]): number[][] {
  const finiteScores = reads.map((r) => (r.evidence.length > 0 ? r.evidence[5] : -10));
  const maxScore = Math.max(...finiteScores);
  const normTexts = passageTexts.map(normalized);
  const maxPooled = Math.max(...reads.map((r) => r.pooledCoverage[0]));
  return reads.map((r, i) => {
    const ev = r.evidence.length > 0 ? r.evidence.slice(0, SELECT_EVIDENCE) : noEvidence(SELECT_EVIDENCE);
    const ans = normalized(r.answer);
    let others = 0;
    if (ans !== '') for (let j = 0; j < normTexts.length; j++) if (j !== i && ` ${normTexts[j]} `.includes(` ${ans} `)) others++;
    const rankOneHot = Array.from({ length: RANKS }, (_, k) => (r.rank !== undefined && Math.min(r.rank, RANKS - 1) === k ? 1 : 0));
    return [...ev, r.evidence.length > 0 ? 0 : 1, r.rank === undefined ? 1 : 0, ...rankOneHot, Math.log(1 + others), finiteScores[i] - maxScore,
      r.pooledCoverage[0], r.pooledCoverage[1], r.pooledCoverage[0] - maxPooled];
  });
}

export interface PassageChoice {
  /** Index into reads. */
  chosen: number;
  /** The chooser's softmax probability of the chosen read. */
  probability: number;
  /** Abstention evidence for the chosen read (PASSAGE_ABSTAIN_FEATURES). */
  abstainEvidence: number[];
}

/** Choose among the passages' answers (weights: the committed ones unless given, as the training script does). */
export function choosePassage(reads: PassageRead[], passageTexts: string[], weights: ArrayLike<number> | undefined = SELECT_WEIGHTS): PassageChoice | undefined {
  if (reads.length === 0) return undefined;
  const feats = selectionFeatures(reads, passageTexts);
  // Without fitted weights: the best span score, as a single-text read would choose.
  const scores = feats.map((f) => (weights ? f.reduce((s, v, j) => s + v * weights[j], 0) : f[5]));
  let chosen = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[chosen]) chosen = i;
  const max = scores[chosen];
  const z = scores.reduce((s, v) => s + Math.exp(v - max), 0);
  const probability = 1 / z;
  const r = reads[chosen];
  const ev = r.evidence.length > 0 ? r.evidence : noEvidence(EVIDENCE_LENGTH);
  const f = feats[chosen];
  return { chosen, probability, abstainEvidence: [...ev, probability, f[SELECT_FEATURES.indexOf('logOtherPassagesWithAnswer')], r.rank === undefined ? RANKS : Math.min(r.rank, RANKS)] };
}

/** Whether the passage-mode abstainer declines the chosen answer (never for list and either-or answers). */
export function passageAbstains(reads: PassageRead[], choice: PassageChoice, abstain: PassageReaderModel['abstain'] | null = ABSTAIN ?? null): boolean {
  if (!abstain || reads[choice.chosen].evidence.length === 0) return false;
  const z = abstain.bias + choice.abstainEvidence.reduce((s, v, j) => s + v * abstain.weights[j], 0);
  return 1 / (1 + Math.exp(-z)) < abstain.threshold;
}
