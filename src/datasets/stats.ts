/** Dataset statistics for `ftrag data check`: sizes, token distributions (cl100k estimates) and categories. */
import { countTokens, TOKENIZER_NAME } from '../util/tokenizer.js';
import { distribution, type Distribution } from './distribution.js';
import type { TrainingData } from './training.js';
import type { EvalSet } from './types.js';

export interface DatasetStats {
  tokenizer: string;
  training?: { file: string; records: number; promptTokens: Distribution; completionTokens: Distribution; categories: Record<string, number> };
  evalSet: {
    name: string;
    items: number;
    promptTokens: Distribution;
    referenceTokens: Distribution;
    /** Items whose only reference is "" (no answer). */
    unanswerable: number;
    categories: Record<string, number>;
  };
}

function tally(values: Array<string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) if (v !== undefined) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export function datasetStats(evalSet: EvalSet, train?: TrainingData): DatasetStats {
  const stats: DatasetStats = {
    tokenizer: `${TOKENIZER_NAME} (estimate)`,
    evalSet: {
      name: evalSet.name,
      items: evalSet.items.length,
      promptTokens: distribution(evalSet.items.map((i) => countTokens(i.prompt))),
      referenceTokens: distribution(evalSet.items.map((i) => Math.max(...i.references.map(countTokens)))),
      unanswerable: evalSet.items.filter((i) => i.references.every((r) => r === '')).length,
      categories: tally(evalSet.items.map((i) => i.category)),
    },
  };
  if (train) {
    stats.training = {
      file: train.file,
      records: train.records.length,
      promptTokens: distribution(train.records.map((r) => countTokens(r.prompt))),
      completionTokens: distribution(train.records.map((r) => countTokens(r.completion))),
      categories: tally(train.records.map((r) => (typeof r.raw.category === 'string' ? r.raw.category : undefined))),
    };
  }
  return stats;
}
