import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, TokenBucket } from '../../src/runner/limits.js';
import { lineReporter } from '../../src/runner/progress.js';
import { seededOrder, uniform } from '../../src/runner/random.js';

describe('AdaptiveLimit', () => {
  it('halves on throttling once per cooldown and recovers additively', () => {
    const limit = new AdaptiveLimit(16, 100);
    expect([...Array(20)].filter(() => limit.tryAcquire())).toHaveLength(16);
    limit.onThrottle(1000);
    expect(limit.current).toBe(8);
    limit.onThrottle(1050); // same burst
    expect(limit.current).toBe(8);
    limit.onThrottle(1200);
    expect(limit.current).toBe(4);
    for (let i = 0; i < 16; i++) limit.release();
    for (let i = 0; i < 12; i++) limit.onSuccess();
    expect(limit.current).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < 1000; i++) limit.onSuccess();
    expect(limit.current).toBe(16);
    for (let i = 0; i < 10; i++) limit.onThrottle(10_000 + i * 1000);
    expect(limit.current).toBe(1);
  });
});

describe('TokenBucket', () => {
  // A manual clock: sleeping advances it, so the test checks the arithmetic without waiting.
  function clock() {
    const c = { t: 0, sleeps: [] as number[] };
    return { c, opts: { now: () => c.t, sleep: async (ms: number) => { c.sleeps.push(ms); c.t += ms; } } };
  }

  it('allows one second of burst, then paces requests at the configured rate', async () => {
    const { c, opts } = clock();
    const rpm = new TokenBucket(600, opts); // 10 per second
    for (let i = 0; i < 10; i++) await rpm.take(1);
    expect(c.t).toBe(0);
    for (let i = 0; i < 5; i++) await rpm.take(1);
    expect(c.t).toBeGreaterThanOrEqual(500);
    expect(c.t).toBeLessThanOrEqual(505);
  });

  it('lets a request larger than the bucket go when full, then charges the debt; corrections give tokens back', async () => {
    const { c, opts } = clock();
    const tpm = new TokenBucket(6000, opts); // 100 tokens per second, capacity 100
    await tpm.take(250); // bigger than the bucket: goes at once (bucket full), balance -150
    expect(c.t).toBe(0);
    await tpm.take(100); // needs the debt repaid and a full bucket: 2.5 s
    expect(c.t).toBeGreaterThanOrEqual(2500);
    const before = c.t;
    tpm.adjust(100); // the last call used 100 fewer tokens than estimated
    await tpm.take(100);
    expect(c.t).toBe(before);
  });
});

describe('progress lines', () => {
  it('prints a start line, about every 5%, and a final line', () => {
    const lines: string[] = [];
    let t = 0;
    const p = lineReporter((l) => lines.push(l), () => t);
    p.start(100, 10);
    for (let done = 11; done <= 100; done++) p.update({ done, failed: 1, retries: 2, throttles: 1 });
    t = 61_000;
    p.stop({ done: 100, failed: 1, retries: 2, throttles: 1 });
    expect(lines[0]).toBe('ftrag: 100 calls to make, 10 already done (resumed)');
    expect(lines.length).toBeGreaterThan(15);
    expect(lines.length).toBeLessThan(22);
    expect(lines.at(-1)).toBe('ftrag: 100/100 calls (100%), 1 failed, 2 retries (1 throttled), 61s elapsed');
  });
});

describe('seeded randomness', () => {
  it('is a function of seed and key only', () => {
    expect(uniform(1, 'x')).toBe(uniform(1, 'x'));
    expect(uniform(1, 'x')).not.toBe(uniform(2, 'x'));
    const xs = Array.from({ length: 2000 }, (_, i) => uniform(3, `k${i}`));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(seededOrder(['a', 'b', 'c'], 5, 'item', (s) => s)).toEqual(seededOrder(['c', 'a', 'b'], 5, 'item', (s) => s));
  });
});
