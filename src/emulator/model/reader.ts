/**
 * The extractive reader: how the reference model answers from context it is given (prompt text or passages).
 * It is the classic sentence-selection + span-trimming QA baseline: pick the context sentence with the highest
 * IDF-weighted overlap with the question, then trim the words the question already contains from both ends.
 */
import type { ChatTurn } from './api.js';
import { analyzeQuestion, type QuestionAnalysis } from './question.js';
import { bestSpan, tokenize } from './spans.js';
import { readSentences, type ContextSource, type Sentence } from './layout.js';
import { contentTerms, isStopword, sentenceSpans, stem, words } from './text.js';

export type { ContextSource };

/** The base model's fixed honest non-answer (no context, or no context sentence overlaps the question enough). */
export const NON_ANSWER = "I don't have enough information to answer that.";

/**
 * Reader constants, set on the first half of SQuAD v2 dev (by article): minCoverage = the share of the question's
 * IDF weight a sentence must carry to be read at all (below it: the non-answer); coverageWeight = how much sentence
 * coverage counts against the span score when the best sentences compete.
 */
export const READER_WEIGHTS = { minCoverage: 0.3, coverageWeight: 6.75 };
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
const SENTENCES_READ = 3;
/** Weight of a question term matched only by the heading above a (non-item) sentence. */
const CONTEXT_SHARE = 0.5;


/** The best-supported answer in the sources, or undefined when no sentence covers the question well enough. */
export function readAnswer(question: string, sources: ContextSource[]): ReadAnswer | undefined {
  const qTerms = [...new Set(contentTerms(question))];
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
  if (order.length === 0 || coverages[order[0]] < READER_WEIGHTS.minCoverage) return undefined;
  const analysis = analyzeQuestion(question);
  // The best-covered line introduces a list ("Visitors should bring:"): the answer is the list.
  const listed = sentences[order[0]].intro ? longAnswer(sentences, order[0], analysis) : undefined;
  if (listed !== undefined) {
    const intro = sentences[order[0]];
    return { answer: listed, sentence: intro.text, coverage: coverages[order[0]], passageIndex: intro.passageIndex };
  }
  const qStems = new Set(qTerms);
  let best: { sentence: number; answer: string; score: number } | undefined;
  // The best SENTENCES_READ sentences compete, and every sentence tied with the last of them.
  const cutoff = coverages[order[Math.min(order.length, SENTENCES_READ) - 1]];
  for (const i of order.filter((k, rank) => rank < SENTENCES_READ || coverages[k] >= cutoff - 1e-9)) {
    const text = sentences[i].text;
    const choice = answerIn(text, qStems, analysis);
    const score = READER_WEIGHTS.coverageWeight * coverages[i] + (choice?.score ?? -5);
    if (!best || score > best.score) best = { sentence: i, answer: choice?.answer ?? answerSpan(text, question), score };
  }
  if (!best) return undefined;
  const chosen = sentences[best.sentence];
  const answer = longAnswer(sentences, best.sentence, analysis) ?? best.answer;
  return { answer, sentence: chosen.text, coverage: coverages[best.sentence], passageIndex: chosen.passageIndex };
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

function answerIn(sentence: string, qStems: Set<string>, analysis: QuestionAnalysis): { answer: string; score: number } | undefined {
  const tokens = tokenize(sentence, qStems);
  if (analysis.choices) {
    const found = analysis.choices.filter((c) => tokens.some((t) => t.stem === stem(c)));
    if (found.length === 1) return { answer: found[0], score: 3 };
  }
  const span = bestSpan(sentence, tokens, analysis);
  return span ? { answer: sentence.slice(span.start, span.end), score: span.score } : undefined;
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
