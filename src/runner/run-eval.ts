/**
 * Runs every eval item through every system: interleaved, rate-limited, retried, cached and journaled.
 *
 * The work is four named stages, each in its own module and tested on its own:
 * - schedule (schedule.ts): which pair runs when; systems advance through the set in step, within a lookahead;
 * - call (call-pair.ts, call.ts): one pair from cache lookup, rate limits and attempts with backoff to its result;
 * - record (record.ts): the result becomes a journal line, a kept record (or its place in the journal) and a progress update;
 * - account (account.ts): the counters, including pairs a resumed journal already finished.
 * All waiting (slots, token buckets, backoff) happens before `Target.invoke`, which starts its clock at the send,
 * so client-side queueing never shows up as latency.
 */
import { setMaxListeners } from 'node:events';
import type { EvalItem, ItemList } from '../datasets/types.js';
import type { Target, TargetRequest } from '../targets/types.js';
import { InputError } from '../util/errors.js';
import { Accounts, type SystemCounters } from './account.js';
import { ResponseCache, type CacheOptions } from './cache.js';
import { CallSupervisor } from './call.js';
import { callPair, DEFAULT_BACKOFF, type BackoffOptions, type CallLane } from './call-pair.js';
import { JournalWriter, journalHasContent, type JournalRecord } from './journal.js';
import { AdaptiveLimit, TokenBucket } from './limits.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { seededOrder } from './random.js';
import { JournalIndex } from './journal-index.js';
import { recordOf, Recorder } from './record.js';
import { FinishedPairs } from './resume.js';
import { schedule } from './schedule.js';

export type { BackoffOptions } from './call-pair.js';
export type { SystemCounters } from './account.js';

export interface SystemLimits {
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface RunEvalOptions {
  items: ItemList;
  targets: readonly Target[];
  journalPath: string;
  /** Continue a journal: finished pairs are skipped, failed pairs are tried again. */
  resume?: boolean;
  /** Calls in flight per system (unless perSystem says otherwise). */
  concurrency: number;
  perSystem?: Record<string, SystemLimits>;
  /** Per call, not per item: each retry gets a fresh timeout. */
  timeoutMs: number;
  /** Retries after the first attempt, for retryable errors only. */
  maxRetries: number;
  cache?: CacheOptions | null;
  progress?: ProgressMode;
  seed: number;
  signal?: AbortSignal;
  request?: (item: EvalItem) => TargetRequest;
  onResult?: (record: JournalRecord) => void;
  /** Keep the final record of every pair in memory (default true). False: journal only, return counters. */
  keepRecords?: boolean;
  /**
   * Keep only where each pair's final record lies in the journal (12 bytes a pair), not the record: `journalIndex`
   * reads them back after the run, so memory does not grow with outputs and contexts. Overrides keepRecords.
   */
  indexRecords?: boolean;
  backoff?: Partial<BackoffOptions>;
  /** How many items a system may lag behind the dispatcher (default max(16, 4 x concurrency)). */
  lookahead?: number;
  /** For tests: a progress reporter instead of the `progress` mode. */
  progressReporter?: ProgressReporter;
}

export interface RunOutcome {
  /** itemId -> systemId -> final record (null when keepRecords is false). Includes pairs taken from the journal. */
  records: Map<string, Map<string, JournalRecord>> | null;
  /** With indexRecords: each pair's final record, by item index and system index (the targets' order). */
  journalIndex: JournalIndex | null;
  /** items x systems. */
  total: number;
  /** Pairs that ended with an answer (including those finished in an earlier, resumed run). */
  completed: number;
  /** Pairs that ended with an error after retries. */
  failed: number;
  /** Pairs skipped because the journal already had their answer. */
  resumed: number;
  cacheHits: number;
  /** Retries and throttles summed over the final record of every pair. */
  retries: number;
  throttles: number;
  perSystem: Record<string, SystemCounters>;
  durationMs: number;
  /** The run's signal fired: pairs in flight were dropped (not journaled) and will run on resume. */
  interrupted: boolean;
}

interface Lane extends CallLane {
  readonly id: string;
}

interface Described {
  description?: { config?: Record<string, unknown>; defaultMaxTokens?: number };
}

export function defaultRequest(item: EvalItem): TargetRequest {
  return { itemId: item.id, prompt: item.prompt, ...(item.system !== undefined ? { system: item.system } : {}) };
}

export async function runEval(opts: RunEvalOptions): Promise<RunOutcome> {
  const began = performance.now();
  const keep = opts.keepRecords ?? true;
  const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const makeRequest = opts.request ?? defaultRequest;
  validate(opts);
  if (journalHasContent(opts.journalPath) && !opts.resume) {
    throw new InputError('journal exists; use --resume to continue it, or choose another output directory', { file: opts.journalPath });
  }

  const lanes = opts.targets.map((t) => laneOf(t, opts, backoff));
  const accounts = new Accounts(lanes.map((l) => l.id));
  const progress = opts.progressReporter ?? createProgress(opts.progress ?? 'auto');
  const journal = new JournalWriter(opts.journalPath);
  const index = opts.indexRecords ? new JournalIndex(opts.journalPath, opts.items.length, lanes.map((l) => l.id)) : null;
  const recorder = new Recorder(journal, accounts, progress, keep, opts.onResult, index);
  let done: FinishedPairs | undefined;
  try {
    done = opts.resume && journalHasContent(opts.journalPath) ? await resumed(opts.journalPath, opts.items, lanes, accounts, recorder) : undefined;
  } catch (err) {
    await journal.close();
    throw err;
  }
  const laneIndex = new Map(lanes.map((l, i) => [l, i]));

  const stop = new AbortController();
  const runSignal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  // Rate-limit waits and backoff sleeps listen on the run's signal while they wait (each removes its listener).
  setMaxListeners(0, runSignal);
  const calls = new CallSupervisor(opts.timeoutMs, runSignal);
  const settings = { calls, cache: opts.cache ? new ResponseCache(opts.cache) : null, maxRetries: opts.maxRetries, backoff, seed: opts.seed, signal: runSignal };
  let fatal: unknown;
  progress.start(opts.items.length * lanes.length, accounts.completed);
  try {
    await schedule({
      items: opts.items,
      order: (item) => seededOrder(lanes, opts.seed, item.id, (l) => l.id),
      skip: (_item, lane, index) => done?.has(laneIndex.get(lane)!, index) ?? false,
      lookahead: opts.lookahead ?? Math.max(16, 4 * Math.max(opts.concurrency, ...lanes.map((l) => l.limit.current))),
      signal: runSignal,
      run: async (item, lane, itemIndex) => {
        const request = makeRequest(item);
        const startedAt = new Date().toISOString();
        const result = await callPair(lane, request, settings);
        if (result) recorder.finish(recordOf(item.id, lane.id, result, startedAt), index ? { item: itemIndex, system: laneIndex.get(lane)! } : undefined);
      },
      // Only our own machinery (journal write, disk full) gets here: stop the run and report it.
      onError: (err) => {
        fatal ??= err;
        stop.abort(err);
      },
    });
  } finally {
    calls.dispose();
    settings.cache?.close();
    try {
      await journal.close();
    } finally {
      progress.stop(accounts.progress());
    }
  }
  if (fatal) throw fatal;
  return {
    records: recorder.records,
    journalIndex: index,
    total: opts.items.length * lanes.length,
    completed: accounts.completed,
    failed: accounts.failed,
    resumed: accounts.resumed,
    cacheHits: accounts.cacheHits,
    retries: accounts.retries,
    throttles: accounts.throttles,
    perSystem: accounts.perSystem,
    durationMs: performance.now() - began,
    interrupted: opts.signal?.aborted ?? false,
  };
}

function laneOf(target: Target, opts: RunEvalOptions, backoff: BackoffOptions): Lane {
  const limits = opts.perSystem?.[target.id] ?? {};
  const d = (target as Target & Described).description;
  return {
    id: target.id,
    target,
    config: { id: target.id, kind: target.kind, modelId: target.modelId, ...(d?.config ?? {}) },
    defaultMaxTokens: d?.defaultMaxTokens ?? 0,
    limit: new AdaptiveLimit(limits.concurrency ?? opts.concurrency, backoff.throttleBaseMs / 2),
    ...(limits.requestsPerMinute ? { rpm: new TokenBucket(limits.requestsPerMinute) } : {}),
    ...(limits.tokensPerMinute ? { tpm: new TokenBucket(limits.tokensPerMinute) } : {}),
  };
}

/**
 * What an earlier run of this journal finished, read before anything is appended to it: answered pairs are counted
 * and kept (when records are kept) and will not run again; failed ones will.
 */
async function resumed(path: string, items: ItemList, lanes: readonly Lane[], accounts: Accounts, recorder: Recorder): Promise<FinishedPairs> {
  // Only while the journal is read: the run itself finds pairs by the item's position.
  const itemIndex = new Map<string, number>();
  let position = 0;
  for (const item of items) itemIndex.set(item.id, position++);
  const systemIds = lanes.map((l) => l.id);
  const done = await FinishedPairs.read(path, itemIndex, systemIds, accounts, recorder);
  recorder.orderBy(items, systemIds);
  return done;
}

function validate(opts: RunEvalOptions): void {
  const ids = new Set<string>();
  for (const t of opts.targets) {
    if (ids.has(t.id)) throw new InputError(`duplicate system id "${t.id}"`, { field: 'systems' });
    ids.add(t.id);
  }
  const items = new Set<string>();
  for (const item of opts.items) {
    if (items.has(item.id)) throw new InputError(`duplicate item id "${item.id}"`, { field: 'id' });
    items.add(item.id);
  }
  if (!(opts.concurrency >= 1)) throw new InputError('concurrency must be at least 1', { field: 'runner.concurrency' });
  if (!(opts.timeoutMs > 0)) throw new InputError('timeoutMs must be positive', { field: 'runner.timeoutMs' });
  if (!(opts.maxRetries >= 0)) throw new InputError('maxRetries must be 0 or more', { field: 'runner.maxRetries' });
}
