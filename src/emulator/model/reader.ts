/**
 * The extractive reader: how the reference model answers from context it is given (prompt text or passages).
 * It is the classic sentence-selection + span-trimming QA baseline: pick the context sentence with the highest
 * IDF-weighted overlap with the question, then trim the words the question already contains from both ends.
 */
import type { ChatTurn } from './api.js';
import { EDIT_FEATURES, editEvidence, OVERLAP_FEATURES } from './abstain.js';
import { ANAPHORIC } from './lexicon.js';
import { analyzeQuestion, type QuestionAnalysis } from './question.js';
import { tokenize, type Token } from './spans.js';
import { widenSpan } from './span-widen.js';
import { RANKER_MODEL, logAddExp, rankSpans, type SentenceView } from './span-ranker.js';
import { readSentences, type ContextSource, type Sentence } from './layout.js';
import { listAsked, tableCell } from './structure.js';
import { choosePassage, modelFits, passageAbstains, splitPassages, type Passage, type PassageRead } from './passages.js';
import { contentTerms, isStopword, sentenceSpans, stem, words } from './text.js';

export type { ContextSource };

/** The base model's fixed honest non-answer (no context, or no context sentence overlaps the question enough). */
export const NON_ANSWER = "I don't have enough information to answer that.";

/**
 * Reader constants, set on the first half of SQuAD v2 dev (by article): minCoverage = the share of the question's
 * IDF weight a sentence must carry to be read at all (below it: the non-answer); coverageWeight = how much sentence
 * coverage counts against the span score when the best sentences compete.
 */
export const READER_WEIGHTS = { minCoverage: 0.1 };
/** A sentence must carry at least this share of the question's IDF weight to be read as the answer. */
export const MIN_COVERAGE = READER_WEIGHTS.minCoverage;

export interface PromptParts {
  question: string;
  /** Prompt text that is not the question (system text, earlier user turns, the rest of the last user turn). */
  context: string;
  /** The part of context that came from user turns (not the system prompt). */
  userContext: string;
}

const QUESTION_LABEL_RE = /^\s*(?:question|q)\s*[:：]\s*(.*)$/iu;

/** Split a chat request into the question and the surrounding context. */
export function splitPrompt(system: string | undefined, messages: ChatTurn[]): PromptParts {
  const users = messages.filter((m) => m.role === 'user');
  const last = users.length > 0 ? users[users.length - 1].text : '';
  const { question, rest } = splitQuestion(last);
  const userContext = [...users.slice(0, -1).map((m) => m.text), rest].filter((t) => t.trim() !== '').join('\n');
  const context = [system ?? '', userContext].filter((t) => t.trim() !== '').join('\n');
  return { question, context, userContext };
}

function splitQuestion(text: string): { question: string; rest: string } {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = QUESTION_LABEL_RE.exec(lines[i]);
    if (!m) continue;
    let q = m[1].trim();
    let end = i + 1;
    if (q === '') {
      while (end < lines.length && lines[end].trim() === '') end++;
      q = (lines[end] ?? '').trim();
      end++;
    }
    return { question: q, rest: [...lines.slice(0, i), ...lines.slice(end)].join('\n') };
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].includes('?')) continue;
    const spans = sentenceSpans(lines[i]).filter((s) => lines[i].slice(s.start, s.end).includes('?'));
    const s = spans[spans.length - 1];
    if (!s) continue;
    const rest = lines.slice();
    rest[i] = lines[i].slice(0, s.start) + lines[i].slice(s.end);
    return { question: lines[i].slice(s.start, s.end).trim(), rest: rest.join('\n') };
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim() === '') continue;
    return { question: lines[i].trim(), rest: lines.slice(0, i).join('\n') };
  }
  return { question: '', rest: '' };
}


export interface ReadAnswer {
  answer: string;
  sentence: string;
  /** Share of the question's IDF weight found in the chosen sentence, 0..1. */
  coverage: number;
  passageIndex?: number;
}


/** How many of the best-covered sentences compete for the answer span. */
export const SENTENCES_READ = 3;
/** Weight of a question term matched only by the heading above a (non-item) sentence. */
const CONTEXT_SHARE = 0.5;

/** A question set against its context: the sentences, how much of the question each covers, and the question's terms. */
export interface Reading {
  sentences: Sentence[];
  coverages: number[];
  /** Sentence indexes with any coverage, best-covered first. */
  order: number[];
  analysis: QuestionAnalysis;
  qStems: Set<string>;
  /** Question stem -> its share of the question's IDF weight. */
  qWeight: Map<string, number>;
  qBigrams: Set<string>;
}

/** Sentences, coverages and question terms; undefined when the question has no content word or there is no text. */
export function prepareReading(question: string, sources: ContextSource[]): Reading | undefined {
  const terms = contentTerms(question);
  const qTerms = [...new Set(terms)];
  if (qTerms.length === 0) return undefined;
  const sentences = readSentences(sources);
  if (sentences.length === 0) return undefined;
  // Rarity counts a sentence's own words only: a document title repeated over every line under it is still rare.
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of qTerms) if (s.terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  // A question term absent from the context weighs like the rarest present term: missing evidence counts against.
  const idf = (t: string) => Math.log(1 + sentences.length / Math.max(df.get(t) ?? 0, 1));
  const total = qTerms.reduce((sum, t) => sum + idf(t), 0);
  // A term found only in the heading above a sentence counts half: it says what the text is about, not that this
  // sentence answers it. A table row or list item is a fragment whose subject IS its heading, header or
  // introduction, so there the context counts in full.
  const coverages = sentences.map((s) => {
    const share = s.item ? 1 : CONTEXT_SHARE;
    return total > 0 ? qTerms.reduce((sum, t) => sum + (s.terms.has(t) ? idf(t) : s.context.has(t) ? share * idf(t) : 0), 0) / total : 0;
  });
  const order = sentences.map((_, i) => i).filter((i) => coverages[i] > 0).sort((a, b) => coverages[b] - coverages[a] || a - b);
  const qWeight = new Map(qTerms.map((t) => [t, total > 0 ? idf(t) / total : 0]));
  const qBigrams = new Set<string>();
  for (let k = 1; k < terms.length; k++) qBigrams.add(`${terms[k - 1]} ${terms[k]}`);
  return { sentences, coverages, order, analysis: analyzeQuestion(question), qStems: new Set(qTerms), qWeight, qBigrams };
}

/** The sentences whose spans compete: the SENTENCES_READ best-covered, and every sentence tied with the last of them. */
export function competingSentences(r: Reading): number[] {
  if (r.order.length === 0) return [];
  const cutoff = r.coverages[r.order[Math.min(r.order.length, SENTENCES_READ) - 1]];
  return r.order.filter((k, rank) => rank < SENTENCES_READ || r.coverages[k] >= cutoff - 1e-9);
}

export function sentenceView(r: Reading, sentence: number, rank: number): SentenceView {
  const tokens = tokenize(r.sentences[sentence].text, r.qStems);
  const own = r.sentences[sentence];
  const before = sentence > 0 && r.sentences[sentence - 1].source === own.source ? r.sentences[sentence - 1] : undefined;
  let antecedentGain = 0;
  if (before !== undefined && (tokens[0]?.tag === 'O' || (tokens[0]?.tag === 'D' && ANAPHORIC.has(tokens[0].lower)))) {
    for (const [t, weight] of r.qWeight) if (!own.terms.has(t) && before.terms.has(t)) antecedentGain += weight;
  }
  return { tokens, q: r.analysis, qWeight: r.qWeight, qBigrams: r.qBigrams, coverage: r.coverages[sentence], rank, antecedentGain };
}

/** The names of the answer-confidence evidence the abstainer weighs (readWithEvidence), in order. */
export const ABSTAIN_FEATURES = [...OVERLAP_FEATURES, ...EDIT_FEATURES] as const;

/** The committed abstainer, when it was fitted on today's evidence (else the reader never abstains on its own). */
const GOLD_ABSTAINER = RANKER_MODEL.abstain && modelFits(RANKER_MODEL.abstain, ABSTAIN_FEATURES) ? RANKER_MODEL.abstain : undefined;

/** The best-supported answer in the sources, or undefined when no sentence covers the question well enough. */
export function readAnswer(question: string, sources: ContextSource[]): ReadAnswer | undefined {
  const passages = splitPassages(sources);
  if (passages !== undefined) {
    const reads = readEachPassage(question, passages);
    const choice = choosePassage(reads, passages.map((p) => p.source.text));
    if (choice === undefined || passageAbstains(reads, choice)) return undefined;
    return reads[choice.chosen].read;
  }
  const read = readWithEvidence(question, sources);
  if (read === undefined) return undefined;
  const abstain = GOLD_ABSTAINER;
  if (abstain !== undefined && read.evidence.length > 0) {
    const z = abstain.bias + read.evidence.reduce((sum, v, j) => sum + v * abstain.weights[j], 0);
    if (1 / (1 + Math.exp(-z)) < abstain.threshold) return undefined;
  }
  return read;
}

/** Each passage read on its own (passages.ts); a passage with no sentence covering the question gives no read. */
export function readEachPassage(question: string, passages: Passage[]): (PassageRead & { read: ReadAnswer })[] {
  const out: (PassageRead & { read: ReadAnswer })[] = [];
  // The pooled reading (rarities over every passage's sentences) puts the passages' coverages on one scale.
  const pooled = prepareReading(question, passages.map((p) => p.source));
  passages.forEach((p, source) => {
    const read = readWithEvidence(question, [p.source]);
    if (read === undefined) return;
    let chosen = 0;
    let top = 0;
    pooled?.sentences.forEach((s, i) => {
      if (s.source !== source) return;
      top = Math.max(top, pooled.coverages[i]);
      if (s.text === read.sentence) chosen = Math.max(chosen, pooled.coverages[i]);
    });
    out.push({ answer: read.answer, rank: p.rank, evidence: read.evidence, pooledCoverage: [top, chosen], read });
  });
  return out;
}

/**
 * The reader's answer before abstention, with the evidence the abstainer weighs (ABSTAIN_FEATURES; empty for list
 * either-or and yes-no answers, which are not abstained on).
 */
export function readWithEvidence(question: string, sources: ContextSource[], weights?: ArrayLike<number>): (ReadAnswer & { evidence: number[] }) | undefined {
  const r = prepareReading(question, sources);
  if (r === undefined || r.order.length === 0 || r.coverages[r.order[0]] < READER_WEIGHTS.minCoverage) return undefined;
  const { sentences, coverages, order, analysis } = r;
  // The best-covered line introduces a list ("Visitors should bring:"): the answer is the list.
  const listed = sentences[order[0]].intro ? longAnswer(sentences, order[0], analysis) : undefined;
  if (listed !== undefined) {
    const intro = sentences[order[0]];
    return { answer: listed, sentence: intro.text, coverage: coverages[order[0]], passageIndex: intro.passageIndex, evidence: [] };
  }
  // A yes-no question the text asks itself and answers in the next sentence, as an FAQ does ("Does it ...? Yes.").
  const replied = analysis.yesNo ? yesNoReply(sentences, order[0]) : undefined;
  if (replied !== undefined) {
    const asked = sentences[order[0]];
    return { answer: replied, sentence: asked.text, coverage: coverages[order[0]], passageIndex: asked.passageIndex, evidence: [] };
  }
  const competing = competingSentences(r);
  let best: { sentence: number; answer: string; score: number; tokens?: Token[]; start?: number; end?: number } | undefined;
  let logSumExp = -Infinity;
  let chose = false;
  for (const [rank, i] of competing.entries()) {
    const text = sentences[i].text;
    const view = sentenceView(r, i, rank);
    // Either-or questions ("soft or hard?"): the option the best-covered sentence names, when it names just one.
    if (analysis.choices) {
      const found = analysis.choices.filter((c) => view.tokens.some((t) => t.stem === stem(c)));
      if (found.length === 1) {
        best = { sentence: i, answer: found[0], score: Infinity };
        chose = true;
        break;
      }
    }
    const ranked = rankSpans(view, undefined, weights);
    logSumExp = logAddExp(logSumExp, ranked.logSumExp);
    if (ranked.best && (!best || ranked.best.score > best.score)) {
      best = { sentence: i, answer: text.slice(ranked.best.start, ranked.best.end), score: ranked.best.score, tokens: view.tokens, start: ranked.best.start, end: ranked.best.end };
    }
  }
  // No candidate span anywhere: the best-covered sentence, trimmed of the question's words.
  if (!best) best = { sentence: order[0], answer: answerSpan(sentences[order[0]].text, question), score: -Infinity };
  if (!chose) {
    // The question matched a list through its introduction only: the answer is the list (structure.ts).
    const intro = listAsked(sentences, best.sentence, r.qStems);
    const items = intro === undefined ? undefined : longAnswer(sentences, intro, analysis);
    if (intro !== undefined && items !== undefined) {
      return { answer: items, sentence: sentences[intro].text, coverage: coverages[best.sentence], passageIndex: sentences[intro].passageIndex, evidence: [] };
    }
    const cell = tableCell(sentences, best.sentence, competing, coverages, r.qWeight, r.qBigrams);
    if (cell) best = { sentence: cell.sentence, answer: cell.answer, score: best.score };
    else if (best.tokens !== undefined) best = { ...best, answer: widened(sentences[best.sentence].text, best.tokens, best.start!, best.end!, analysis) };
  }
  const chosen = sentences[best.sentence];
  const answer = longAnswer(sentences, best.sentence, analysis) ?? best.answer;
  let evidence: number[] = [];
  if (!chose) {
    const present = new Set<string>();
    for (const s of sentences) for (const t of s.terms) if (r.qStems.has(t)) present.add(t);
    const found = [...present].reduce((sum, t) => sum + (r.qWeight.get(t) ?? 0), 0);
    const top = coverages[order[0]];
    const finite = Number.isFinite(best.score);
    // The question's rarest word missing from the chosen sentence: a question about something the text does not say
    // often differs from the text in just one rare word.
    let rarest = 0;
    let unmatched = 0;
    for (const [t, weight] of r.qWeight) {
      if (chosen.terms.has(t)) continue;
      unmatched++;
      if (weight > rarest) rarest = weight;
    }
    evidence = [
      top, coverages[best.sentence], top - (order.length > 1 ? coverages[order[1]] : 0), 1 - found,
      finite ? Math.exp(best.score - logSumExp) : 0, finite ? best.score : -10, rarest, unmatched,
      ...editEvidence(question, chosen, sentences),
    ];
  }
  return { answer, sentence: chosen.text, coverage: coverages[best.sentence], passageIndex: chosen.passageIndex, evidence };
}

/** "Yes" or "No" when the sentence at `at` is a question and the next one in its source opens with that word. */
function yesNoReply(sentences: Sentence[], at: number): string | undefined {
  const asked = sentences[at];
  const next = sentences[at + 1];
  if (!asked.text.trimEnd().endsWith('?') || next === undefined || next.source !== asked.source) return undefined;
  const m = /^\s*(yes|no)\b/iu.exec(next.text);
  return m ? m[1][0].toUpperCase() + m[1].slice(1).toLowerCase() : undefined;
}

/** The ranker's span widened to the phrase the question asks for (span-widen.ts), as text of the sentence. */
function widened(text: string, tokens: Token[], start: number, end: number, q: QuestionAnalysis): string {
  const first = tokens.findIndex((t) => t.start === start);
  const last = tokens.findIndex((t) => t.end === end);
  if (first < 0 || last < first) return text.slice(start, end);
  const span = widenSpan(tokens, { first, last }, q);
  return text.slice(tokens[span.first].start, tokens[span.last].end);
}

/**
 * Answers longer than one span, when the question asks for them: the items a matched line introduces ("Key
 * figures for the Q2:" followed by a list), or the chosen sentence and the one after it for describe/explain
 * questions.
 */
function longAnswer(sentences: Sentence[], at: number, analysis: QuestionAnalysis): string | undefined {
  const chosen = sentences[at];
  if (chosen.intro) {
    const items: string[] = [];
    for (let k = at + 1; k < sentences.length && sentences[k].item && sentences[k].source === chosen.source && sentences[k].block === chosen.block; k++) {
      items.push(sentences[k].text.replace(/^(?:[-*•]\s+|\d{1,2}[.)]\s+)/u, '').replace(/^\||\|$/gu, '').trim());
    }
    if (items.length > 0) return items.join('; ');
  }
  if (analysis.wantsPassage) {
    const next = sentences[at + 1];
    const follows = next !== undefined && next.source === chosen.source && !next.item && !next.intro && !chosen.item;
    return follows ? `${chosen.text} ${next.text}` : chosen.text;
  }
  return undefined;
}

const TOKEN_RE = /[\p{L}\p{N}]+(?:['’.,:/-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Fallback when no candidate span exists: strip the maximal leading and trailing runs of question words, stopwords and punctuation. */
export function answerSpan(sentence: string, question: string): string {
  const qWords = new Set(words(question));
  const qStems = new Set([...qWords].map(stem));
  const tokens = [...sentence.matchAll(TOKEN_RE)].map((m) => {
    const start = m.index ?? 0;
    const raw = m[0];
    const w = words(raw)[0];
    const drop = w === undefined || isStopword(w) || qWords.has(w) || qStems.has(stem(w));
    return { start, end: start + raw.length, drop };
  });
  let first = 0;
  let last = tokens.length - 1;
  while (first <= last && tokens[first].drop) first++;
  while (last >= first && tokens[last].drop) last--;
  if (first > last) return sentence;
  return sentence.slice(tokens[first].start, tokens[last].end);
}
