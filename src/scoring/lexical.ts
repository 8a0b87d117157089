/** Reference-based string metrics: SQuAD EM/F1, contains, regex, ROUGE-1/2/L. Deterministic and synchronous. */
import { InputError } from '../util/errors.js';
import type { Score, ScoreInput, Scorer } from './types.js';
import { containsAnswer, squadExact, squadF1 } from './squad.js';
import { rougeLcs, rougeN, rougeTokenize } from './rouge.js';

function scorer(name: string, binary: boolean, score: (input: ScoreInput) => Score): Scorer {
  return { name, binary, higherIsBetter: true, score };
}

export const exactScorer = (): Scorer => scorer('exact', true, ({ output, item }) => ({ value: squadExact(output, item.references) }));
export const f1Scorer = (): Scorer => scorer('f1', false, ({ output, item }) => ({ value: squadF1(output, item.references) }));
export const containsScorer = (): Scorer =>
  scorer('contains', true, ({ output, item }) => ({ value: containsAnswer(output, item.references) }));

const regexCache = new Map<string, RegExp>();

function compileItemRegex(item: ScoreInput['item']): RegExp | null {
  const pattern = item.metadata?.regex;
  if (pattern === undefined || pattern === null) return null;
  const flagsRaw = item.metadata?.regexFlags;
  if (typeof pattern !== 'string' || (flagsRaw !== undefined && typeof flagsRaw !== 'string')) {
    throw new InputError(`item "${item.id}": metadata.regex must be a string (and metadata.regexFlags a string)`, { field: 'metadata.regex' });
  }
  // Only flags that change matching are honoured; g/y would make .test() stateful.
  const flags = (flagsRaw ?? '').replace(/[^imsu]/g, '');
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, flags);
    } catch (err) {
      throw new InputError(`item "${item.id}": invalid metadata.regex: ${(err as Error).message}`, { field: 'metadata.regex' });
    }
    regexCache.set(key, re);
  }
  return re;
}

/** 1 when metadata.regex matches anywhere in the output (a search, not a full match); null when absent. */
export const regexScorer = (): Scorer =>
  scorer('regex', true, ({ output, item }) => {
    const re = compileItemRegex(item);
    return { value: re === null ? null : re.test(output) ? 1 : 0 };
  });

type RougeKind = 'rouge1' | 'rouge2' | 'rougeL';

// Each ROUGE scorer tokenizes the same strings; remembering the last few tokenizations avoids doing it 3x.
const TOKEN_MEMO_LIMIT = 64;
const tokenMemo = new Map<string, string[]>();
function tokens(text: string): string[] {
  let t = tokenMemo.get(text);
  if (t === undefined) {
    t = rougeTokenize(text, true);
    if (tokenMemo.size >= TOKEN_MEMO_LIMIT) tokenMemo.delete(tokenMemo.keys().next().value as string);
    tokenMemo.set(text, t);
  }
  return t;
}

/**
 * rouge_score with use_stemmer=True; F-measure, max over references (rouge_score `score_multi`).
 * An unanswerable item (every reference empty) gets null: rouge_score would give a correct abstention 0.
 */
export function rougeScorer(kind: RougeKind): Scorer {
  return scorer(kind, false, ({ output, item }) => {
    const refs = item.references.filter((r) => r.trim() !== '');
    if (refs.length === 0) return { value: null };
    const pred = tokens(output);
    let best = 0;
    for (const ref of refs) {
      const target = tokens(ref);
      const triple = kind === 'rougeL' ? rougeLcs(target, pred) : rougeN(target, pred, kind === 'rouge1' ? 1 : 2);
      if (triple.fmeasure > best) best = triple.fmeasure;
    }
    return { value: best };
  });
}
