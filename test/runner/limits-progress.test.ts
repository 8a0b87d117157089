import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/runner/limits.js';
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
