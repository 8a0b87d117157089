/**
 * Per-pair results -> the shadow summary's statistics and its verdict sentence. Intervals are seeded (Wilson for
 * rates, percentile bootstrap for means), so the same logs and replay give the same figures on any machine.
 */
import type { ShadowSummary } from '../schema/shadow.js';
import { bootstrapMeanCi, mean, summarizeMetric, wilson } from '../stats/index.js';
import { signTestP, type PairJudgement } from './judge.js';

export interface ComparedPair {
  /** Agreement metric -> 0..1 (absent when the candidate failed). */
  scores: Record<string, number | null>;
  productionOutput: string;
  candidateOutput?: string;
  production: { refusal: boolean; nonAnswer: boolean; inputTokens?: number; outputTokens?: number; latencyMs?: number };
  candidate?: { refusal: boolean; nonAnswer: boolean; inputTokens?: number; outputTokens?: number; latencyMs?: number };
  judge?: PairJudgement;
}

const RESAMPLES = 10_000;

function rate(flags: readonly boolean[]): ShadowSummary['refusal']['production'] {
  const count = flags.filter(Boolean).length;
  const n = flags.length;
  return { rate: n ? count / n : 0, ci95: n ? wilson(count, n) : [0, 1], count, n };
}

function meanCi(values: readonly number[], seed: number): { mean: number; ci95: [number, number]; n: number } | undefined {
  if (values.length === 0) return undefined;
  return { mean: mean(values), ci95: bootstrapMeanCi(values, { seed, resamples: RESAMPLES }), n: values.length };
}

function deltas(pairs: readonly ComparedPair[], pick: (s: NonNullable<ComparedPair['candidate']>) => number | undefined): number[] {
  const out: number[] = [];
  for (const p of pairs) {
    if (!p.candidate) continue;
    const a = pick(p.candidate);
    const b = pick(p.production);
    if (a !== undefined && b !== undefined) out.push(a - b);
  }
  return out;
}

export function histogramOf(values: readonly number[], bins = 10): { from: number; to: number; count: number }[] {
  const out = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))].count++;
  return out;
}

export interface Statistics {
  agreement: ShadowSummary['agreement'];
  histogram: ShadowSummary['histogram'];
  judge?: Omit<NonNullable<ShadowSummary['judge']>, 'modelId'>;
  refusal: ShadowSummary['refusal'];
  nonAnswer: ShadowSummary['nonAnswer'];
  deltas: ShadowSummary['deltas'];
}

export function summarizePairs(pairs: readonly ComparedPair[], metrics: readonly string[], agreementMetric: string, seed: number): Statistics {
  const answered = pairs.filter((p) => p.candidate);
  const agreement: ShadowSummary['agreement'] = {};
  for (const m of metrics) {
    agreement[m] = summarizeMetric(
      answered.map((p) => p.scores[m]),
      { binary: m === 'exact', seed, resamples: RESAMPLES },
    );
  }
  const primary = answered.map((p) => p.scores[agreementMetric]).filter((v): v is number => typeof v === 'number');
  const stats: Statistics = {
    agreement,
    histogram: { metric: agreementMetric, bins: histogramOf(primary) },
    refusal: { production: rate(answered.map((p) => p.production.refusal)), candidate: rate(answered.map((p) => p.candidate!.refusal)) },
    nonAnswer: { production: rate(answered.map((p) => p.production.nonAnswer)), candidate: rate(answered.map((p) => p.candidate!.nonAnswer)) },
    deltas: {
      outputChars: meanCi(answered.map((p) => p.candidateOutput!.length - p.productionOutput.length), seed) ?? { mean: 0, ci95: [0, 0], n: 0 },
      ...optional('outputTokens', meanCi(deltas(answered, (s) => s.outputTokens), seed)),
      ...optional('inputTokens', meanCi(deltas(answered, (s) => s.inputTokens), seed)),
      ...optional('latencyMs', meanCi(deltas(answered, (s) => s.latencyMs), seed)),
    },
  };
  const judged = answered.filter((p) => p.judge);
  if (judged.length) {
    const decided = judged.filter((p) => p.judge!.outcome !== 'unparseable');
    const wins = decided.filter((p) => p.judge!.outcome === 'candidate').length;
    const losses = decided.filter((p) => p.judge!.outcome === 'production').length;
    const ties = decided.length - wins - losses;
    const points = decided.map((p) => (p.judge!.outcome === 'candidate' ? 1 : p.judge!.outcome === 'production' ? 0 : 0.5));
    stats.judge = {
      n: decided.length,
      wins,
      losses,
      ties,
      inconsistent: decided.filter((p) => p.judge!.inconsistent).length,
      unparseable: judged.length - decided.length,
      preference: meanCi(points, seed) ?? { mean: 0.5, ci95: [0, 1], n: 0 },
      pValue: signTestP(wins, losses),
    };
  }
  return stats;
}

function optional<K extends string>(key: K, value: ReturnType<typeof meanCi>): Partial<Record<K, NonNullable<ReturnType<typeof meanCi>>>> {
  return value ? ({ [key]: value } as Record<K, NonNullable<ReturnType<typeof meanCi>>>) : {};
}

const pct = (x: number) => `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 1)}%`;
const ci = (c: [number, number]) => `95% CI ${pct(c[0])}-${pct(c[1])}`;

/** The shadow verdict: agreement, preference and cost in one sentence, with the reasons behind each part. */
export function shadowVerdict(s: Pick<ShadowSummary, 'agreement' | 'agreementMetric' | 'judge' | 'cost' | 'refusal' | 'nonAnswer' | 'replay' | 'logs'>): ShadowSummary['verdict'] {
  const a = s.agreement[s.agreementMetric];
  const parts = [`candidate agrees with production on ${pct(a.mean)} (${s.agreementMetric}, ${ci(a.ci95)}, n=${a.n})`];
  const reasons: string[] = [];
  if (s.judge && s.judge.n > 0) {
    const p = s.judge.preference;
    parts.push(`preferred in ${pct(s.judge.wins / s.judge.n)} (${s.judge.ties} ties; preference ${pct(p.mean)}, ${ci(p.ci95)})`);
    reasons.push(
      s.judge.pValue < 0.05
        ? `The judge's preference is significant (sign test p=${s.judge.pValue.toPrecision(2)}): ${s.judge.wins > s.judge.losses ? 'the candidate' : 'production'} is preferred.`
        : `The judge's preference is not significantly different from 50% (sign test p=${s.judge.pValue.toPrecision(2)}, ${s.judge.wins} wins, ${s.judge.losses} losses, ${s.judge.ties} ties).`,
    );
  } else reasons.push('No pairwise judge was configured (judge.modelId), so no preference is given.');
  if (s.cost.differencePct !== null) {
    const d = s.cost.differencePct;
    parts.push(Math.abs(d) < 0.5 ? 'costs the same at your traffic' : `costs ${Math.abs(d).toFixed(0)}% ${d < 0 ? 'less' : 'more'} at your traffic`);
  } else reasons.push(`Cost difference not given: missing prices (${[...s.cost.production.missingPrices, ...s.cost.candidate.missingPrices].join('; ') || 'production costs nothing'}).`);
  const refusalShift = s.refusal.candidate.rate - s.refusal.production.rate;
  if (Math.abs(refusalShift) > 0) reasons.push(`Refusals: production ${pct(s.refusal.production.rate)}, candidate ${pct(s.refusal.candidate.rate)}.`);
  const nonAnswerShift = s.nonAnswer.candidate.rate - s.nonAnswer.production.rate;
  if (Math.abs(nonAnswerShift) > 0) reasons.push(`Non-answers: production ${pct(s.nonAnswer.production.rate)}, candidate ${pct(s.nonAnswer.candidate.rate)}.`);
  if (s.replay.failed) reasons.push(`${s.replay.failed} replayed requests failed on the candidate and are left out of the agreement.`);
  if (s.logs.bad.count) reasons.push(`${s.logs.bad.count} bad log records were left out (see the log section).`);
  const headline = parts.join(', ');
  return { headline: headline[0].toUpperCase() + headline.slice(1) + '.', reasons };
}
