/** Each stage of runEval on its own: schedule, call, record, account (and the call supervisor under "call"). */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Accounts } from '../../src/runner/account.js';
import { CallSupervisor } from '../../src/runner/call.js';
import { backoffDelay, callPair, type CallLane, type CallSettings } from '../../src/runner/call-pair.js';
import { AdaptiveLimit } from '../../src/runner/limits.js';
import { recordOf, Recorder } from '../../src/runner/record.js';
import { schedule, type ScheduledLane } from '../../src/runner/schedule.js';
import type { ResponseCache } from '../../src/runner/cache.js';
import type { TargetResponse } from '../../src/targets/types.js';
import { fakeTarget, invalid, serverError, throttle } from './fakes.js';

describe('stage: schedule', () => {
  const lane = (id: string, max: number) => {
    let held = 0;
    const l = {
      id,
      peak: 0,
      limit: {
        tryAcquire: () => (held < max ? (held++, (l.peak = Math.max(l.peak, held)), true) : false),
        release: () => void held--,
      },
    };
    return l;
  };
  type L = ReturnType<typeof lane>;
  const tick = () => new Promise<void>((r) => setImmediate(r));

  it('runs every pair not skipped, within each lane\'s concurrency, and keeps lanes within the lookahead', async () => {
    const a = lane('a', 3);
    const b = lane('b', 1);
    const started: string[] = [];
    const items = Array.from({ length: 12 }, (_, i) => i);
    await schedule<number, L>({
      items,
      order: (i) => (i % 2 ? [a, b] : [b, a]),
      skip: (i, l) => l === a && i === 5,
      lookahead: 2,
      signal: new AbortController().signal,
      run: async (i, l) => {
        started.push(`${l.id}${i}`);
        await tick();
      },
      onError: () => undefined,
    });
    expect(started).toHaveLength(23);
    expect(started).not.toContain('a5');
    expect(a.peak).toBeLessThanOrEqual(3);
    expect(b.peak).toBe(1);
    // b (one slot) never lets a run more than the lookahead ahead: every pair of item i starts before any of item i + 3.
    for (let i = 0; i + 3 < 12; i++) {
      const lastOfI = Math.max(...['a', 'b'].map((x) => started.indexOf(`${x}${i}`)));
      const firstOfLater = Math.min(...['a', 'b'].map((x) => started.indexOf(`${x}${i + 3}`)).filter((p) => p >= 0));
      expect(lastOfI).toBeLessThan(firstOfLater);
    }
  });

  it('stops dispatching when the signal fires, waits for pairs in flight, and reports a failing pair', async () => {
    const l = lane('a', 2);
    const stop = new AbortController();
    const errors: unknown[] = [];
    let ran = 0;
    await schedule<number, L>({
      items: Array.from({ length: 50 }, (_, i) => i),
      order: () => [l],
      skip: () => false,
      lookahead: 4,
      signal: stop.signal,
      run: async (i) => {
        ran++;
        await tick();
        if (i === 3) {
          stop.abort();
          throw new Error('disk full');
        }
      },
      onError: (e) => errors.push(e),
    });
    expect(ran).toBeLessThan(10);
    expect(errors).toEqual([new Error('disk full')]);
  });
});

describe('stage: call', () => {
  const settings = (over: Partial<CallSettings> = {}): CallSettings => {
    const signal = over.signal ?? new AbortController().signal;
    return { calls: new CallSupervisor(5_000, signal), cache: null, maxRetries: 3, backoff: { baseMs: 1, throttleBaseMs: 1, maxMs: 2 }, seed: 1, signal, ...over };
  };
  const laneFor = (target: CallLane['target']): CallLane & { limit: AdaptiveLimit } => ({ target, config: {}, defaultMaxTokens: 0, limit: new AdaptiveLimit(4, 1) });
  const request = { itemId: 'q1', prompt: 'p' };

  it('retries retryable errors, counts throttles, and ends answered', async () => {
    const t = fakeTarget('a', (_id, attempt) => (attempt === 0 ? throttle() : attempt === 1 ? serverError() : 'ok'));
    const r = await callPair(laneFor(t), request, settings());
    expect(r).toMatchObject({ ok: true, retries: 2, throttles: 1, response: { output: 'a:p' } });
    expect(t.calls).toHaveLength(3);
  });

  it('fails at once on a non-retryable error, and after maxRetries on a retryable one', async () => {
    expect(await callPair(laneFor(fakeTarget('a', () => invalid())), request, settings())).toMatchObject({ ok: false, retries: 0, error: { code: 'ValidationException' } });
    const always = fakeTarget('b', () => serverError());
    expect(await callPair(laneFor(always), request, settings({ maxRetries: 2 }))).toMatchObject({ ok: false, retries: 2, error: { code: 'InternalServerException' } });
    expect(always.calls).toHaveLength(3);
  });

  it('answers from the cache without calling, and stores what it called', async () => {
    const stored = new Map<string, TargetResponse>();
    const cache = {
      keyOf: (_c: unknown, r: { itemId: string }) => r.itemId,
      get: async (k: string) => stored.get(k),
      set: async (k: string, v: TargetResponse) => void stored.set(k, v),
    } as unknown as ResponseCache;
    const t = fakeTarget('a');
    const first = await callPair(laneFor(t), request, settings({ cache }));
    const second = await callPair(laneFor(t), request, settings({ cache }));
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true, cached: true, response: first!.ok ? first!.response : {} });
    expect(t.calls).toHaveLength(1);
  });

  it('returns nothing (the pair is left for a resumed run) when the run is interrupted', async () => {
    const stop = new AbortController();
    const t = fakeTarget('a', () => (stop.abort(), serverError()));
    expect(await callPair(laneFor(t), request, settings({ signal: stop.signal }))).toBeUndefined();
  });

  it('backs off with seeded full jitter, capped', () => {
    const s = { backoff: { baseMs: 100, throttleBaseMs: 1000, maxMs: 20_000 }, seed: 9 };
    const d = backoffDelay(s, 'q', 'a', 3, false);
    expect(d).toBe(backoffDelay(s, 'q', 'a', 3, false));
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(800);
    expect(backoffDelay(s, 'q', 'a', 30, true)).toBeLessThan(20_000);
  });
});

describe('stage: call supervisor', () => {
  it('gives up on a target that ignores its signal: a timeout rejects, retryable, with the call signal aborted', async () => {
    const run = new AbortController();
    const calls = new CallSupervisor(20, run.signal);
    const started = calls.start(fakeTarget('a', () => 'hang'), { itemId: 'q', prompt: 'p' });
    const err = await started.response.catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect((started.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(calls.inFlight).toBe(0);
  });

  it('listens on the run signal once, not once per call, and aborts every call in flight when it fires', async () => {
    const run = new AbortController();
    const calls = new CallSupervisor(60_000, run.signal);
    const inFlight = Array.from({ length: 25 }, (_, i) => calls.start(fakeTarget(`t${i}`, () => 'hang'), { itemId: 'q', prompt: 'p' }));
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    run.abort(new Error('cancelled'));
    const results = await Promise.allSettled(inFlight.map((c) => c.response));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(inFlight.every((c) => c.signal.aborted)).toBe(true);
    calls.dispose();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});

describe('stage: record', () => {
  const response: TargetResponse = { output: 'x', latencyMs: 5 };

  it('turns a result into a journal record', () => {
    expect(recordOf('q', 'a', { ok: true, response, retries: 1, throttles: 0, cached: true }, 's', 'f')).toEqual({
      v: 1, itemId: 'q', systemId: 'a', ok: true, response, retries: 1, throttles: 0, cached: true, startedAt: 's', finishedAt: 'f',
    });
    expect(recordOf('q', 'a', { ok: false, error: { code: 'E', message: 'm' }, retries: 2, throttles: 2 }, 's', 'f')).toEqual({
      v: 1, itemId: 'q', systemId: 'a', ok: false, error: { code: 'E', message: 'm' }, retries: 2, throttles: 2, startedAt: 's', finishedAt: 'f',
    });
  });

  it('journals, counts, keeps and reports a finished pair; keeps a resumed one without journaling it', () => {
    const lines: unknown[] = [];
    const updates: unknown[] = [];
    const seen: unknown[] = [];
    const accounts = new Accounts(['a']);
    const recorder = new Recorder({ append: (r) => void lines.push(r) }, accounts, { update: (c) => void updates.push(c) }, true, (r) => seen.push(r));
    const r = recordOf('q1', 'a', { ok: true, response, retries: 0, throttles: 0 }, 's');
    recorder.finish(r);
    recorder.keep(recordOf('q0', 'a', { ok: true, response, retries: 0, throttles: 0 }, 's'));
    expect(lines).toEqual([r]);
    expect(seen).toEqual([r]);
    expect(updates).toEqual([{ done: 1, failed: 0, retries: 0, throttles: 0 }]);
    expect([...recorder.records!.keys()].sort()).toEqual(['q0', 'q1']);
    expect(new Recorder({ append: () => undefined }, accounts, { update: () => undefined }, false).records).toBeNull();
  });
});

describe('stage: account', () => {
  it('counts each finished pair once, per system and overall, resumed pairs included', () => {
    const a = new Accounts(['x', 'y']);
    a.count({ ok: true, retries: 2, throttles: 1 }, 'x');
    a.count({ ok: false, retries: 3, throttles: 3 }, 'y');
    a.count({ ok: true, retries: 0, throttles: 0, cached: true }, 'y');
    a.countResumed({ ok: true, retries: 1, throttles: 0 }, 'x');
    expect(a).toMatchObject({ completed: 3, failed: 1, resumed: 1, cacheHits: 1, retries: 6, throttles: 4 });
    expect(a.perSystem).toEqual({
      x: { completed: 2, failed: 0, retries: 3, throttles: 1, cacheHits: 0 },
      y: { completed: 1, failed: 1, retries: 3, throttles: 3, cacheHits: 1 },
    });
    expect(a.progress()).toEqual({ done: 4, failed: 1, retries: 6, throttles: 4 });
  });
});
