/**
 * Question analysis for the extractive reader: the expected answer type from the question word (who / when / where /
 * how many / how much / why / which or what <noun>), the head noun after what/which, whether a list is asked for,
 * and an either-or choice ("soft or hard?"). Rules are general English question forms.
 */
import { AUXILIARIES, HOW_QUANTITY, NUMBER_WORDS, PREPOSITIONS, TYPE_NOUNS, WH_WORDS } from './lexicon.js';
import { isStopword, stem, words } from './text.js';

export type AnswerType = 'person' | 'date' | 'number' | 'location' | 'reason' | 'manner' | 'entity';

export interface QuestionAnalysis {
  type: AnswerType;
  /** Stem of the noun after what/which ("what river" -> "river"), when there is one. */
  headNoun?: string;
  /** The question asks for several things (a list, "what are the three ...", "name all"). */
  wantsList: boolean;
  /** The question asks for a description or explanation, not one fact ("Describe ...", "Explain ..."). */
  wantsPassage: boolean;
  /** What follows the wh-phrase: do-support ("what did X invent": the answer is an object), a copula, or another verb (often the wh-phrase is the subject). */
  form: 'do' | 'be' | 'other';
  /** A preposition governing the wh-phrase ("In what year", "By whom", "to which ..."), lower-cased. */
  preposition?: string;
  /** Stems of the nearest content words before the wh-word and after the wh-phrase (where the answer stands in the question). */
  leftWord?: string;
  rightWord?: string;
  /** Either-or options ("Is the water soft or hard?" -> ["soft", "hard"]), lower-cased. */
  choices?: [string, string];
  /** "How often ...": the answer is a frequency ("every Friday", "twice a week"), not a bare time. */
  frequency: boolean;
  /** The noun after what/which is plural ("Which tools ..."): every item of a coordination answers. */
  pluralHead: boolean;
  /** A yes-no question: it opens with an auxiliary and has no wh-word ("Does it work without Wi-Fi?"). */
  yesNo: boolean;
  /** One example is asked for ("Name a luxury division of Toyota.", "Give one reason ..."): one item of a list answers. */
  asksOne: boolean;
  /** A nationality is asked for ("What nationality was ...?"): the adjective ("Greek"), not the person it describes. */
  asksNationality: boolean;
  /** A name is asked for ("What was the name of his partner?"): the name, not the words describing it. */
  asksName: boolean;
}

const COPULAS = new Set(['is', 'was', 'are', 'were']);
const DO_FORMS = new Set(['do', 'does', 'did']);
const BE_FORMS = new Set(['is', 'was', 'are', 'were', 'be', 'been']);
const SKIP_AFTER_WH = new Set(['kind', 'type', 'sort', 'form', 'part', 'name', 'kinds', 'types', 'sorts', 'forms', 'parts', 'names', 'of']);
const PASSAGE_CUES = /^\s*(?:describe|explain|summari[sz]e|outline|tell me about|what happens)\b/i;
const ONE_CUES = /^\s*(?:name|give|mention|cite)\s+(?:a|an|one)\b/i;
const NATIONALITY_CUES = /\b(?:nationality|ethnicity)\b/i;
const NAME_CUES = /\bname of\b/i;
const LIST_CUES = /\b(?:list|name (?:all|the|some|two|three|four|five)|what are (?:the|some)|which (?:are|were) the|what were (?:the|some)|enumerate)\b/i;

export function analyzeQuestion(question: string): QuestionAnalysis {
  const ws = words(question);
  const whAt = ws.findIndex((w) => WH_WORDS.has(w));
  const wh = whAt >= 0 ? ws[whAt] : undefined;
  const next = whAt >= 0 ? ws[whAt + 1] : undefined;
  let type: AnswerType = 'entity';
  let headNoun: string | undefined;
  let pluralHead = false;
  if (wh === 'who' || wh === 'whom' || wh === 'whose') type = 'person';
  else if (wh === 'when') type = 'date';
  else if (wh === 'where') type = 'location';
  else if (wh === 'why') type = 'reason';
  else if (wh === 'how') {
    // "How often" asks for a frequency ("every Friday"), scored like a time expression; "how many/long/far" a quantity.
    if (next === 'often') type = 'date';
    else if (next !== undefined && HOW_QUANTITY.has(next)) type = 'number';
    else type = 'manner';
  } else if (wh === 'what' || wh === 'which') {
    let k = whAt + 1;
    // "What is the size of ...": the noun after a copula and article is the one asked about.
    if (COPULAS.has(ws[k] ?? '') && (ws[k + 1] === 'the' || ws[k + 1] === 'a' || ws[k + 1] === 'an')) k += 2;
    while (k < ws.length && (SKIP_AFTER_WH.has(ws[k]) || ws[k] === 'the' || ws[k] === 'a')) k++;
    // The noun run after the wh-word (up to five words) is headed by its last word ("what signal color does");
    // any type noun in it sets the answer type ("what river flows ..." asks for a location).
    const run: string[] = [];
    while (k < ws.length && run.length < 5 && !isStopword(ws[k])) run.push(ws[k++]);
    if (run.length > 0) {
      const head = run[run.length - 1];
      headNoun = stem(head);
      // An -s noun whose stem drops the s ("tools" -> "tool"); not "process", "status", "physics"-like -ss/-us/-cs.
      pluralHead = head.length > 3 && /[^suic]s$/u.test(head) && !headNoun.endsWith('s');
      const typed = run.map((w) => TYPE_NOUNS[w]).find((t) => t !== undefined);
      if (typed) type = typed;
    }
  }
  const wantsList = LIST_CUES.test(question) || ws.some((w, i) => NUMBER_WORDS.has(w) && i > 0 && /^(?:two|three|four|five|six|seven|eight|nine|ten|several)$/.test(w) && /s$/.test(ws[i + 1] ?? ''));
  const wantsPassage = PASSAGE_CUES.test(question);
  // The word after the wh-phrase (the wh-word, its type/kind words and its noun run).
  let after = whAt + 1;
  if (wh === 'what' || wh === 'which' || wh === 'whose' || (wh === 'how' && next !== undefined && HOW_QUANTITY.has(next))) {
    while (after < ws.length && (SKIP_AFTER_WH.has(ws[after]) || ws[after] === 'the' || ws[after] === 'a' || !isStopword(ws[after]))) after++;
  }
  const verb = whAt >= 0 ? ws[after] : undefined;
  const form = verb !== undefined && DO_FORMS.has(verb) ? 'do' : verb !== undefined && BE_FORMS.has(verb) ? 'be' : 'other';
  const preposition = whAt > 0 && PREPOSITIONS.has(ws[whAt - 1]) ? ws[whAt - 1] : undefined;
  let left = whAt - 1;
  while (left >= 0 && isStopword(ws[left])) left--;
  let right = after;
  while (right < ws.length && isStopword(ws[right])) right++;
  const leftWord = whAt > 0 && left >= 0 ? stem(ws[left]) : undefined;
  const rightWord = whAt >= 0 && right < ws.length ? stem(ws[right]) : undefined;
  const frequency = wh === 'how' && next === 'often';
  const yesNo = whAt < 0 && ws.length > 1 && AUXILIARIES.has(ws[0]);
  return {
    type, headNoun, wantsList, wantsPassage, form, preposition, leftWord, rightWord, choices: eitherOr(question), frequency, pluralHead, yesNo,
    asksOne: ONE_CUES.test(question), asksNationality: NATIONALITY_CUES.test(question), asksName: NAME_CUES.test(question),
  };
}

/** "... soft or hard?" -> ["soft", "hard"]: the single words either side of the last " or ". */
function eitherOr(question: string): [string, string] | undefined {
  const m = /([\p{L}\p{N}-]+)\s*,?\s+or\s+([\p{L}\p{N}-]+)\s*\??\s*$/iu.exec(question.trim());
  if (!m) return undefined;
  const [a, b] = [m[1].toLowerCase(), m[2].toLowerCase()];
  if (isStopword(a) || isStopword(b) || a === b) return undefined;
  return [a, b];
}
