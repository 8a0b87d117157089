/**
 * Which token sequences are candidate answer spans: the light chunker's constituent rules. A candidate starts at a
 * content word or number and grows through noun-phrase words, "of" phrases ("Hero of Alexandria") and coordinated
 * noun phrases ("time and storage"); entity questions also let verb forms in. The ranker (span-ranker.ts) scores
 * every candidate; these rules only decide what may compete. Tried and rejected by cross-validation on the tuning
 * half (docs/reference-model.md): spans opened by a verb form or a preposition, a second attached prepositional
 * phrase, participles with their objects: each raised the candidate ceiling and lowered the ranker's F1.
 */
import { NEIGHBOUR_INDEX, type NeighbourClass } from './span-features.js';
import type { Token } from './spans.js';
import type { QuestionAnalysis } from './question.js';

const BE = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'being', 'am']);
const OWN_CLASS = new Set(['of', 'in', 'on', 'at', 'by', 'for', 'from', 'to', 'with', 'as', 'and', 'or', 'that']);

export const isBoundary = (t: Token | undefined) => t === undefined || (t.tag !== 'X' && t.tag !== 'N');
/** "of" joins noun phrases ("Hero of Alexandria"), "the" two names ("William the Conqueror"); "and"/"or" two names or two numbers. */
export const joins = (before: Token | undefined, t: Token | undefined, after: Token | undefined) =>
  after !== undefined &&
  ((t?.lower === 'the' && before !== undefined && before.proper && after.proper) ||
    (t?.lower === 'of' && before !== undefined && before.tag === 'X' && !before.unit && (after.tag === 'X' || after.tag === 'D')) ||
    ((t?.lower === 'and' || t?.lower === 'or') && before !== undefined &&
      ((before.proper && after.proper) || (before.tag === 'N' && after.tag === 'N'))));
export const isContent = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.tag === 'V';
export const canEnd = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '%' || t.lower === ')';
const opensPhrase = (t: Token | undefined) => t !== undefined && (t.tag === 'X' || t.tag === 'N' || t.tag === 'D');
export const canStart = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '$' || t.lower === '£' || t.lower === '€';

/** Whether token t can continue a candidate after prev (entity questions let verb forms in: "the type of reduction being used"). */
export function insideConstituent(prev: Token, t: Token, next: Token | undefined, q: QuestionAnalysis): boolean {
  switch (t.tag) {
    case 'X':
    case 'N':
    case 'P':
      return true;
    case 'V':
      return q.type === 'entity';
    case 'D':
      return prev.lower === 'of' || prev.lower === 'and' || prev.lower === 'or' || prev.tag === 'N';
    case 'R':
      return t.lower === 'of' && next !== undefined && next.tag !== 'P';
    case 'C':
      // Any two noun phrases may be coordinated, whatever the question ("time and storage", "yes or no").
      return joins(prev, t, next) || ((t.lower === 'and' || t.lower === 'or') && (prev.tag === 'X' || prev.tag === 'N' || prev.lower === ')') && opensPhrase(next));
    default:
      return false;
  }
}

export function neighbourClass(t: Token | undefined): number {
  let c: NeighbourClass;
  if (t === undefined) c = 'edge';
  else if (OWN_CLASS.has(t.lower) && t.tag !== 'X') c = t.lower as NeighbourClass;
  else {
    switch (t.tag) {
      case 'P':
        c = t.lower === ',' ? 'comma' : t.lower === '(' || t.lower === '[' ? 'open' : t.lower === ')' || t.lower === ']' ? 'close' : t.lower === '-' || t.lower === '–' || t.lower === '—' ? 'dash' : 'punct';
        break;
      case 'D': c = 'det'; break;
      case 'R': c = 'prep'; break;
      case 'C': c = 'conj'; break;
      case 'W': c = 'wh'; break;
      case 'O': c = 'pron'; break;
      case 'A': c = BE.has(t.lower) ? 'be' : 'aux'; break;
      case 'V': c = t.inQuestion ? 'matchedVerb' : 'verb'; break;
      case 'N': c = 'number'; break;
      default: c = t.inQuestion ? 'matchedWord' : t.proper ? 'name' : 'word';
    }
  }
  return NEIGHBOUR_INDEX[c];
}
