/**
 * Stage "call": one (item, system) pair from request to final result. The cache is asked first; otherwise the call
 * waits for its rate limits (before the target's clock starts, so waiting is never latency), then is attempted,
 * retried on retryable errors with seeded full-jitter backoff, and ends answered or failed. Returns undefined when
 * the run is interrupted: the pair is left for a resumed run, not recorded as a failure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { toTargetError } from '../targets/errors.js';
import type { Target, TargetRequest } from '../targets/types.js';
import type { ResponseCache } from './cache.js';
import type { CallSupervisor } from './call.js';
import type { AdaptiveLimit, TokenBucket } from './limits.js';
import { uniform } from './random.js';
import type { PairResult } from './record.js';

export interface BackoffOptions {
  /** Base delay for retryable non-throttling errors (5xx, resets, timeouts). Default 100 ms. */
  baseMs: number;
  /** Base delay after throttling. Default 1,000 ms. */
  throttleBaseMs: number;
  /** Cap on a single delay. Default 20,000 ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, throttleBaseMs: 1000, maxMs: 20_000 };

/** One system as the call stage sees it. */
export interface CallLane {
  target: Target;
  /** Everything besides the request that changes answers (the cache key's other half). */
  config: unknown;
  defaultMaxTokens: number;
  limit: AdaptiveLimit;
  rpm?: TokenBucket;
  tpm?: TokenBucket;
}

export interface CallSettings {
  calls: CallSupervisor;
  cache: ResponseCache | null;
  maxRetries: number;
  backoff: BackoffOptions;
  seed: number;
  signal: AbortSignal;
}

export async function callPair(lane: CallLane, request: TargetRequest, settings: CallSettings): Promise<PairResult | undefined> {
  const { cache, signal } = settings;
  const cacheKey = cache ? cache.keyOf(lane.config, request) : undefined;
  if (cache && cacheKey) {
    const hit = await cache.get(cacheKey);
    if (hit) return { ok: true, response: hit, retries: 0, throttles: 0, cached: true };
  }
  // The tokenizer is loaded only when a tokens-per-minute limit needs it (it costs ~30 MB).
  const estimate = lane.tpm ? await estimateTokens(request, lane.defaultMaxTokens) : 0;
  let retries = 0;
  let throttles = 0;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return undefined;
    try {
      if (lane.rpm) await lane.rpm.take(1, signal);
      if (lane.tpm) await lane.tpm.take(estimate, signal);
    } catch {
      return undefined; // aborted while waiting for the rate limit
    }
    const call = settings.calls.start(lane.target, request);
    try {
      const response = await call.response;
      if (lane.tpm && response.usage) lane.tpm.adjust(estimate - (response.usage.inputTokens + response.usage.outputTokens));
      lane.limit.onSuccess();
      if (cache && cacheKey) await cache.set(cacheKey, response).catch(() => undefined); // a cache write failure costs only a future miss
      return { ok: true, response, retries, throttles };
    } catch (err) {
      if (signal.aborted) return undefined; // interrupted: leave the pair for a resumed run
      const te = toTargetError(err, call.signal);
      if (te.throttled) {
        throttles++;
        lane.limit.onThrottle();
      }
      if (!te.retryable || attempt >= settings.maxRetries) return { ok: false, error: { code: te.code, message: te.message }, retries, throttles };
      retries++;
      try {
        await sleep(backoffDelay(settings, request.itemId, lane.target.id, attempt, te.throttled), undefined, { signal });
      } catch {
        return undefined;
      }
    }
  }
}

/** Full jitter, seeded by pair and attempt so reruns back off the same way. */
export function backoffDelay(settings: Pick<CallSettings, 'backoff' | 'seed'>, itemId: string, systemId: string, attempt: number, throttled: boolean): number {
  const base = throttled ? settings.backoff.throttleBaseMs : settings.backoff.baseMs;
  return uniform(settings.seed, `${itemId}\u0000${systemId}\u0000${attempt}`) * Math.min(settings.backoff.maxMs, base * 2 ** attempt);
}

async function estimateTokens(request: TargetRequest, defaultMaxTokens: number): Promise<number> {
  const { countTokens } = await import('../util/tokenizer.js');
  return countTokens(request.prompt) + countTokens(request.system ?? '') + (request.maxTokens ?? defaultMaxTokens);
}
