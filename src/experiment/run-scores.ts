/**
 * A run's per-pair figures in typed arrays, all that summaries, statistics and cost read: per (system, item) its
 * outcome, every metric's score, latencies, tokens and counters, about 80 bytes a pair with three metrics, so memory
 * grows with items x systems only by that. The pairs' full form (outputs, contexts, reasons) is on disk (items.jsonl).
 * Absent values (not scored, no service time, no usage) are NaN; the readers treat NaN as null, as they treat a
 * non-finite score. The scores and latencies are in shared memory: the statistics' bootstrap threads read them where
 * they are (src/stats/plan.ts) instead of each taking a copy.
 */
import type { JournalRecord } from '../runner/journal.js';

/** How a pair ended, as summaries count it. */
export const PairOutcome = {
  None: 0,
  /** ok with a response. */
  Answered: 1,
  /** ok but no response (counted as done, not as an error). */
  Empty: 2,
  Failed: 3,
} as const;
export type PairOutcome = (typeof PairOutcome)[keyof typeof PairOutcome];

const USAGE = 1;
const ESTIMATED = 2;
/** A timed call (answered, not from the cache) that had to open its connection. */
const SETUP = 4;

/** One scored pair, as the scoring pass hands it over. */
export interface ScoredPair {
  record: JournalRecord;
  scores: Record<string, number | null>;
}

export class RunScores {
  private readonly outcome: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly metric: Float64Array[];
  private readonly latency: Float64Array;
  private readonly service: Float64Array;
  private readonly firstToken: Float64Array;
  private readonly inputTokens: Float64Array;
  private readonly outputTokens: Float64Array;
  private readonly retryCounts: Int32Array;
  private readonly throttleCounts: Int32Array;

  constructor(
    readonly itemCount: number,
    readonly systemIds: readonly string[],
    readonly metricNames: readonly string[],
  ) {
    const n = itemCount * systemIds.length;
    const nan = () => new Float64Array(n).fill(NaN);
    const sharedNan = () => new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT)).fill(NaN);
    this.outcome = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.metric = metricNames.map(sharedNan);
    this.latency = sharedNan();
    this.service = sharedNan();
    this.firstToken = sharedNan();
    this.inputTokens = nan();
    this.outputTokens = nan();
    this.retryCounts = new Int32Array(n);
    this.throttleCounts = new Int32Array(n);
  }

  set(system: number, item: number, { record, scores }: ScoredPair): void {
    const slot = this.slot(system, item);
    const r = record.response;
    this.outcome[slot] = !record.ok ? PairOutcome.Failed : r ? PairOutcome.Answered : PairOutcome.Empty;
    this.retryCounts[slot] = record.retries;
    this.throttleCounts[slot] = record.throttles;
    this.metricNames.forEach((name, m) => {
      const v = scores[name];
      this.metric[m][slot] = typeof v === 'number' ? v : NaN;
    });
    // A latency is there exactly when the pair was answered (latencyColumn relies on it), even if the slot is set again.
    for (const column of [this.latency, this.service, this.firstToken, this.inputTokens, this.outputTokens]) column[slot] = NaN;
    this.flags[slot] = 0;
    if (!record.ok || !r) return;
    this.latency[slot] = r.latencyMs;
    if (typeof r.serviceLatencyMs === 'number') this.service[slot] = r.serviceLatencyMs;
    if (typeof r.firstTokenMs === 'number') this.firstToken[slot] = r.firstTokenMs;
    let flags = 0;
    if (r.usage) {
      flags |= USAGE | (r.usage.estimated === true ? ESTIMATED : 0);
      this.inputTokens[slot] = r.usage.inputTokens;
      this.outputTokens[slot] = r.usage.outputTokens;
    }
    if (!record.cached && r.connectionSetup) flags |= SETUP;
    this.flags[slot] = flags;
  }

  systemIndex(systemId: string): number {
    const s = this.systemIds.indexOf(systemId);
    if (s < 0) throw new Error(`no system "${systemId}" in this run`);
    return s;
  }

  outcomeOf(system: number, item: number): PairOutcome {
    return this.outcome[this.slot(system, item)] as PairOutcome;
  }

  /** The metric's score, null when not scored (or not a finite number). */
  score(system: number, item: number, metric: string): number | null {
    const m = this.metricNames.indexOf(metric);
    const v = m < 0 ? NaN : this.metric[m][this.slot(system, item)];
    return Number.isNaN(v) ? null : v;
  }

  /** A system's scores on a metric in item order, NaN where not scored: a view of the run's array, not a copy. */
  metricValues(system: number, metric: string): Float64Array {
    const m = this.metricNames.indexOf(metric);
    if (m < 0) return new Float64Array(this.itemCount).fill(NaN);
    return this.metric[m].subarray(this.slot(system, 0), this.slot(system, 0) + this.itemCount);
  }

  /**
   * A system's latencies in item order, NaN where the pair was not answered (or, for service and first-token time,
   * where the call did not report one): a view of the run's array, not a copy.
   */
  latencyColumn(system: number, kind: 'client' | 'service' | 'first-token' = 'client'): Float64Array {
    const column = kind === 'client' ? this.latency : kind === 'service' ? this.service : this.firstToken;
    return column.subarray(this.slot(system, 0), this.slot(system, 0) + this.itemCount);
  }

  /** Client latency of an answered pair, else null. */
  latencyMs(system: number, item: number): number | null {
    const slot = this.slot(system, item);
    return this.outcome[slot] === PairOutcome.Answered ? this.latency[slot] : null;
  }

  /** A system's counts and token sums over its pairs. */
  totals(system: number): {
    done: number;
    errors: number;
    retries: number;
    throttles: number;
    withUsage: number;
    inputTokens: number;
    outputTokens: number;
    estimated: boolean;
    setupCalls: number;
  } {
    const t = { done: 0, errors: 0, retries: 0, throttles: 0, withUsage: 0, inputTokens: 0, outputTokens: 0, estimated: false, setupCalls: 0 };
    for (let item = 0; item < this.itemCount; item++) {
      const slot = this.slot(system, item);
      const outcome = this.outcome[slot];
      if (outcome === PairOutcome.None) continue;
      t.done++;
      if (outcome === PairOutcome.Failed) t.errors++;
      t.retries += this.retryCounts[slot];
      t.throttles += this.throttleCounts[slot];
      const flags = this.flags[slot];
      if (flags & USAGE) {
        t.withUsage++;
        t.inputTokens += this.inputTokens[slot];
        t.outputTokens += this.outputTokens[slot];
        if (flags & ESTIMATED) t.estimated = true;
      }
      if (flags & SETUP) t.setupCalls++;
    }
    return t;
  }

  /** A system's timed calls that paid a connection set-up (one flag per pair; no other sums). */
  setupCalls(system: number): number {
    let n = 0;
    for (let item = 0; item < this.itemCount; item++) if (this.flags[this.slot(system, item)] & SETUP) n++;
    return n;
  }

  private slot(system: number, item: number): number {
    return system * this.itemCount + item;
  }
}
