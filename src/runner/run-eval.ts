/**
 * Runs every eval item through every system: interleaved, rate-limited, retried, cached and journaled.
 *
 * Scheduling: items are taken in order and, for each item, every system's call is dispatched in a seeded shuffled
 * order, waiting for that system's concurrency slot. Systems therefore advance through the set in step, so they
 * are measured over the same stretch of time (fair latency comparisons), and memory stays bounded by the calls
 * in flight. All waiting (slots, token buckets, backoff) happens before `Target.invoke`, which starts its clock at
 * the send, so client-side queueing never shows up as latency.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EvalItem } from '../datasets/types.js';
import { toTargetError } from '../targets/errors.js';
import type { Target, TargetRequest, TargetResponse } from '../targets/types.js';
import { InputError } from '../util/errors.js';
import { ResponseCache, type CacheOptions } from './cache.js';
import { JournalWriter, journalHasContent, pairKey, readJournal, repairTornTail, type JournalRecord } from './journal.js';
import { callController, invokeWithSignal } from './call.js';
import { AdaptiveLimit, TokenBucket } from './limits.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { seededOrder, uniform } from './random.js';

export interface SystemLimits {
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface BackoffOptions {
  /** Base delay for retryable non-throttling errors (5xx, resets, timeouts). Default 100 ms. */
  baseMs: number;
  /** Base delay after throttling. Default 1,000 ms. */
  throttleBaseMs: number;
  /** Cap on a single delay. Default 20,000 ms. */
  maxMs: number;
}

export interface RunEvalOptions {
  items: readonly EvalItem[];
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
  backoff?: Partial<BackoffOptions>;
  /** How many items a system may lag behind the dispatcher (default max(16, 4 x concurrency)). */
  lookahead?: number;
  /** For tests: a progress reporter instead of the `progress` mode. */
  progressReporter?: ProgressReporter;
}

export interface SystemCounters {
  completed: number;
  failed: number;
  retries: number;
  throttles: number;
  cacheHits: number;
}

export interface RunOutcome {
  /** itemId -> systemId -> final record (null when keepRecords is false). Includes pairs taken from the journal. */
  records: Map<string, Map<string, JournalRecord>> | null;
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

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, throttleBaseMs: 1000, maxMs: 20_000 };

interface SystemState {
  target: Target;
  config: unknown;
  defaultMaxTokens: number;
  limit: AdaptiveLimit;
  rpm?: TokenBucket;
  tpm?: TokenBucket;
  counters: SystemCounters;
}

interface Described {
  description?: { config?: Record<string, unknown>; defaultMaxTokens?: number };
}

export function defaultRequest(item: EvalItem): TargetRequest {
  return { itemId: item.id, prompt: item.prompt, ...(item.system !== undefined ? { system: item.system } : {}) };
}

type PriorSummary = Pick<JournalRecord, 'ok' | 'retries' | 'throttles'> & { record?: JournalRecord };

async function loadPrior(path: string, keep: boolean): Promise<Map<string, PriorSummary>> {
  const prior = new Map<string, PriorSummary>();
  repairTornTail(path);
  for await (const r of readJournal(path)) {
    // Last line wins: a pair that failed and later succeeded (or the reverse) counts once, as it ended.
    prior.set(pairKey(r.itemId, r.systemId), { ok: r.ok, retries: r.retries, throttles: r.throttles, ...(keep ? { record: r } : {}) });
  }
  return prior;
}

export async function runEval(opts: RunEvalOptions): Promise<RunOutcome> {
  const began = performance.now();
  const keep = opts.keepRecords ?? true;
  const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const makeRequest = opts.request ?? defaultRequest;
  validate(opts);

  let prior = new Map<string, PriorSummary>();
  if (journalHasContent(opts.journalPath)) {
    if (!opts.resume) throw new InputError('journal exists; use --resume to continue it, or choose another output directory', { file: opts.journalPath });
    prior = await loadPrior(opts.journalPath, keep);
  }

  const stop = new AbortController();
  const runSignal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  // Every call in flight listens on the run's signal (and removes its listener when done).
  setMaxListeners(0, runSignal);
  const cache = opts.cache ? new ResponseCache(opts.cache) : null;
  const systems = new Map<string, SystemState>();
  for (const target of opts.targets) {
    const limits = opts.perSystem?.[target.id] ?? {};
    const d = (target as Target & Described).description;
    systems.set(target.id, {
      target,
      config: { id: target.id, kind: target.kind, modelId: target.modelId, ...(d?.config ?? {}) },
      defaultMaxTokens: d?.defaultMaxTokens ?? 0,
      limit: new AdaptiveLimit(limits.concurrency ?? opts.concurrency, backoff.throttleBaseMs / 2),
      ...(limits.requestsPerMinute ? { rpm: new TokenBucket(limits.requestsPerMinute) } : {}),
      ...(limits.tokensPerMinute ? { tpm: new TokenBucket(limits.tokensPerMinute) } : {}),
      counters: { completed: 0, failed: 0, retries: 0, throttles: 0, cacheHits: 0 },
    });
  }

  const outcome: RunOutcome = {
    records: keep ? new Map() : null,
    total: opts.items.length * opts.targets.length,
    completed: 0,
    failed: 0,
    resumed: 0,
    cacheHits: 0,
    retries: 0,
    throttles: 0,
    perSystem: Object.fromEntries([...systems.keys()].map((id) => [id, systems.get(id)!.counters])),
    durationMs: 0,
    interrupted: false,
  };
  const progress = opts.progressReporter ?? createProgress(opts.progress ?? 'auto');
  const counts = () => ({ done: outcome.completed + outcome.failed, failed: outcome.failed, retries: outcome.retries, throttles: outcome.throttles });

  const keepRecord = (r: JournalRecord) => {
    if (!outcome.records) return;
    let bySystem = outcome.records.get(r.itemId);
    if (!bySystem) outcome.records.set(r.itemId, (bySystem = new Map()));
    bySystem.set(r.systemId, r);
  };
  const tally = (r: Pick<JournalRecord, 'ok' | 'retries' | 'throttles' | 'cached'>, systemId: string) => {
    const c = systems.get(systemId)!.counters;
    if (r.ok) (outcome.completed++, c.completed++);
    else (outcome.failed++, c.failed++);
    outcome.retries += r.retries;
    c.retries += r.retries;
    outcome.throttles += r.throttles;
    c.throttles += r.throttles;
    if (r.cached) (outcome.cacheHits++, c.cacheHits++);
  };

  // Count what the journal already finished (only pairs of this item set and these systems).
  const ordered = (item: EvalItem) => seededOrder([...systems.values()], opts.seed, item.id, (s) => s.target.id);
  const done = new Set<string>();
  if (prior.size > 0) {
    for (const item of opts.items) {
      for (const s of systems.values()) {
        const key = pairKey(item.id, s.target.id);
        const p = prior.get(key);
        if (p?.ok) {
          tally(p, s.target.id);
          outcome.resumed++;
          done.add(key);
          if (p.record) keepRecord(p.record);
        }
      }
    }
    prior = new Map(); // release
  }

  const journal = new JournalWriter(opts.journalPath);
  let fatal: unknown;
  const finish = (record: JournalRecord) => {
    journal.append(record);
    tally(record, record.systemId);
    keepRecord(record);
    opts.onResult?.(record);
    progress.update(counts());
  };

  const runPair = async (item: EvalItem, s: SystemState): Promise<void> => {
    const request = makeRequest(item);
    const startedAt = new Date().toISOString();
    const cacheKey = cache ? cache.keyOf(s.config, request) : undefined;
    if (cache && cacheKey) {
      const hit = await cache.get(cacheKey);
      if (hit) {
        finish(record(item, s, { ok: true, response: hit, retries: 0, throttles: 0, cached: true }, startedAt));
        return;
      }
    }
    // The tokenizer is loaded only when a tokens-per-minute limit needs it (it costs ~30 MB).
    const estimate = s.tpm ? await estimateTokens(request, s.defaultMaxTokens) : 0;
    let retries = 0;
    let throttles = 0;
    for (let attempt = 0; ; attempt++) {
      if (runSignal.aborted) return;
      try {
        if (s.rpm) await s.rpm.take(1, runSignal);
        if (s.tpm) await s.tpm.take(estimate, runSignal);
      } catch {
        return; // aborted while waiting for the rate limit
      }
      const call = callController(opts.timeoutMs, runSignal);
      const callSignal = call.signal;
      try {
        const response = await invokeWithSignal(s.target, request, callSignal);
        if (s.tpm && response.usage) s.tpm.adjust(estimate - (response.usage.inputTokens + response.usage.outputTokens));
        s.limit.onSuccess();
        if (cache && cacheKey) await cache.set(cacheKey, response).catch(() => undefined); // a cache write failure costs only a future miss
        finish(record(item, s, { ok: true, response, retries, throttles }, startedAt));
        return;
      } catch (err) {
        if (runSignal.aborted) return; // interrupted: leave the pair for a resumed run
        const te = toTargetError(err, callSignal);
        if (te.throttled) {
          throttles++;
          s.limit.onThrottle();
        }
        if (te.retryable && attempt < opts.maxRetries) {
          retries++;
          // Full jitter, seeded by pair and attempt so reruns back off the same way.
          const base = te.throttled ? backoff.throttleBaseMs : backoff.baseMs;
          const delay = uniform(opts.seed, `${item.id}\u0000${s.target.id}\u0000${attempt}`) * Math.min(backoff.maxMs, base * 2 ** attempt);
          try {
            await sleep(delay, undefined, { signal: runSignal });
          } catch {
            return;
          }
          continue;
        }
        finish(record(item, s, { ok: false, error: { code: te.code, message: te.message }, retries, throttles }, startedAt));
        return;
      } finally {
        call.dispose();
      }
    }
  };

  progress.start(outcome.total, outcome.completed);
  // Pairs waiting for their system's slot. A system may fall at most `lookahead` items behind the dispatcher
  // before dispatch waits for it, so fast systems use their whole concurrency while every system still works on
  // nearby items at the same time.
  const lookahead = opts.lookahead ?? Math.max(16, 4 * Math.max(opts.concurrency, ...[...systems.values()].map((s) => s.limit.current)));
  const backlog = new Map<SystemState, EvalItem[]>([...systems.values()].map((s) => [s, []]));
  const inflight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const launch = (item: EvalItem, s: SystemState) => {
    const p: Promise<void> = runPair(item, s)
      .catch((err) => {
        // Only our own machinery (journal write, disk full) gets here: stop the run and report it.
        fatal ??= err;
        stop.abort(err);
      })
      .finally(() => {
        s.limit.release();
        inflight.delete(p);
        pump(s);
        notify();
      });
    inflight.add(p);
  };
  const pump = (s: SystemState) => {
    const queue = backlog.get(s)!;
    while (queue.length > 0 && !runSignal.aborted && s.limit.tryAcquire()) launch(queue.shift()!, s);
  };
  const backlogFull = () => [...backlog.values()].some((q) => q.length >= lookahead);
  const idle = () => inflight.size === 0;
  try {
    dispatch: for (const item of opts.items) {
      for (const s of ordered(item)) {
        if (runSignal.aborted) break dispatch;
        if (done.has(pairKey(item.id, s.target.id))) continue;
        backlog.get(s)!.push(item);
        pump(s);
      }
      while (backlogFull() && !runSignal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    }
    // Drain: wait until every backlog is empty and nothing is in flight.
    while (!idle() || (!runSignal.aborted && [...backlog.values()].some((q) => q.length > 0))) {
      if (idle()) for (const s of systems.values()) pump(s);
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    journal.close();
    progress.stop(counts());
  }
  if (fatal) throw fatal;
  outcome.interrupted = opts.signal?.aborted ?? false;
  outcome.durationMs = performance.now() - began;
  return outcome;
}

async function estimateTokens(request: TargetRequest, defaultMaxTokens: number): Promise<number> {
  const { countTokens } = await import('../util/tokenizer.js');
  return countTokens(request.prompt) + countTokens(request.system ?? '') + (request.maxTokens ?? defaultMaxTokens);
}

function record(
  item: EvalItem,
  s: SystemState,
  r: { ok: boolean; response?: TargetResponse; error?: { code: string; message: string }; retries: number; throttles: number; cached?: boolean },
  startedAt: string,
): JournalRecord {
  return {
    v: 1,
    itemId: item.id,
    systemId: s.target.id,
    ok: r.ok,
    ...(r.response ? { response: r.response } : {}),
    ...(r.error ? { error: r.error } : {}),
    retries: r.retries,
    throttles: r.throttles,
    ...(r.cached ? { cached: true } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
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
