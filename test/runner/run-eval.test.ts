import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval, type RunEvalOptions } from '../../src/runner/index.js';
import { hash53 } from '../../src/runner/random.js';
import { InputError } from '../../src/util/errors.js';
import { fakeTarget, invalid, makeItems, serverError, tempDir, throttle } from './fakes.js';

const fastBackoff = { baseMs: 1, throttleBaseMs: 2, maxMs: 5 };

function base(over: Partial<RunEvalOptions>): RunEvalOptions {
  return {
    items: makeItems(10),
    targets: [],
    journalPath: join(tempDir(), 'journal.jsonl'),
    concurrency: 4,
    timeoutMs: 2000,
    maxRetries: 6,
    seed: 7,
    progress: 'none',
    cache: null,
    backoff: fastBackoff,
    ...over,
  };
}

function journalLines(path: string): any[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('runEval', () => {
  it('answers every (item, system) pair once and respects per-system concurrency', async () => {
    const a = fakeTarget('a', undefined, { delayMs: 3 });
    const b = fakeTarget('b', undefined, { delayMs: 3 });
    const opts = base({ items: makeItems(40), targets: [a, b], concurrency: 5, perSystem: { b: { concurrency: 2 } } });
    const out = await runEval(opts);
    expect(out).toMatchObject({ total: 80, completed: 80, failed: 0, retries: 0, throttles: 0, interrupted: false });
    expect(a.maxInFlight).toBe(5);
    expect(b.maxInFlight).toBe(2);
    expect(a.calls).toHaveLength(40);
    expect(out.records!.get('q0003')!.get('b')!.response!.output).toBe('b:question 3');
    const lines = journalLines(opts.journalPath);
    expect(lines).toHaveLength(80);
    expect(new Set(lines.map((l) => `${l.itemId}/${l.systemId}`)).size).toBe(80);
    expect(lines[0]).toMatchObject({ v: 1, ok: true, retries: 0, throttles: 0 });
  });

  it('keeps systems within the lookahead window of each other, in a seeded order', async () => {
    const starts: string[] = [];
    const mk = (id: string) => fakeTarget(id, (itemId) => (starts.push(`${itemId}:${id}`), 'ok'));
    const targets = [mk('a'), mk('b'), mk('c')];
    await runEval(base({ items: makeItems(30), targets, concurrency: 1, lookahead: 2 }));
    // With a lookahead of 2 items, every call of item i starts before any call of item i + 2.
    const pos = (s: string) => starts.indexOf(s);
    for (let i = 0; i < 28; i++) {
      for (const x of ['a', 'b', 'c']) for (const y of ['a', 'b', 'c']) {
        expect(pos(`q${String(i).padStart(4, '0')}:${x}`)).toBeLessThan(pos(`q${String(i + 2).padStart(4, '0')}:${y}`));
      }
    }
  });

  it('dispatches the calls of each item in a seeded shuffled order when slots are free', async () => {
    const starts: string[] = [];
    const mk = (id: string) => fakeTarget(id, (itemId) => (starts.push(`${itemId}:${id}`), 'ok'));
    const firstPerItem = () => makeItems(30).map((it) => starts.find((s) => s.startsWith(`${it.id}:`))!.split(':')[1]);
    const run = (seed: number) => runEval(base({ items: makeItems(30), targets: [mk('a'), mk('b'), mk('c')], concurrency: 100, seed }));
    await run(7);
    const first = firstPerItem();
    expect(new Set(first).size).toBe(3);
    starts.length = 0;
    await run(7);
    expect(firstPerItem()).toEqual(first);
    starts.length = 0;
    await run(8);
    expect(firstPerItem()).not.toEqual(first);
  });

  it('completes under 20% injected throttling with nothing lost or double counted', async () => {
    // Each attempt is throttled with probability 0.2, decided by a hash so the test is deterministic.
    const injected = { a: 0, b: 0 };
    const mk = (id: 'a' | 'b') =>
      fakeTarget(id, (itemId, attempt) => {
        if (hash53(`${id}/${itemId}/${attempt}`, 1) % 5 === 0) {
          injected[id]++;
          return throttle();
        }
        return 'ok';
      });
    const a = mk('a');
    const b = mk('b');
    const opts = base({ items: makeItems(300), targets: [a, b], concurrency: 8, maxRetries: 8 });
    const out = await runEval(opts);
    expect(out.completed).toBe(600);
    expect(out.failed).toBe(0);
    expect(injected.a + injected.b).toBeGreaterThan(80); // the injection really happened (~20% of ~750 attempts)
    expect(out.throttles).toBe(injected.a + injected.b);
    expect(out.retries).toBe(injected.a + injected.b);
    expect(out.perSystem.a.throttles).toBe(injected.a);
    const lines = journalLines(opts.journalPath);
    expect(lines).toHaveLength(600);
    expect(new Set(lines.map((l) => `${l.itemId}/${l.systemId}`)).size).toBe(600);
    expect(lines.reduce((n, l) => n + l.throttles, 0)).toBe(injected.a + injected.b);
    expect(a.calls.length).toBe(300 + injected.a);
  });

  it('records a non-retryable failure and exhausted retries, and goes on', async () => {
    const t = fakeTarget('a', (itemId) => (itemId === 'q0002' ? invalid() : itemId === 'q0005' ? serverError() : 'ok'));
    const opts = base({ items: makeItems(8), targets: [t], maxRetries: 3 });
    const out = await runEval(opts);
    expect(out).toMatchObject({ completed: 6, failed: 2, retries: 3 });
    const bad = out.records!.get('q0002')!.get('a')!;
    expect(bad).toMatchObject({ ok: false, retries: 0, error: { code: 'ValidationException' } });
    expect(out.records!.get('q0005')!.get('a')).toMatchObject({ ok: false, retries: 3, error: { code: 'InternalServerException', message: 'boom' } });
    expect(t.calls.filter((c) => c.itemId === 'q0002')).toHaveLength(1);
    expect(t.calls.filter((c) => c.itemId === 'q0005')).toHaveLength(4);
    expect(t.calls.filter((c) => c.itemId === 'q0007')).toHaveLength(1);
  });

  it('aborts a call that outlives the timeout, even when the target ignores its signal', async () => {
    const t = fakeTarget('a', (itemId, attempt) => (itemId === 'q0001' && attempt < 5 ? 'hang' : 'ok'));
    const out = await runEval(base({ items: makeItems(3), targets: [t], timeoutMs: 40, maxRetries: 1 }));
    expect(out.records!.get('q0001')!.get('a')).toMatchObject({ ok: false, retries: 1, error: { code: 'Timeout' } });
    expect(out.completed).toBe(2);
  });

  it('refuses to append to an existing journal without resume, leaving it untouched', async () => {
    const opts = base({ targets: [fakeTarget('a')] });
    writeFileSync(opts.journalPath, 'precious\n');
    await expect(runEval(opts)).rejects.toBeInstanceOf(InputError);
    await expect(runEval(opts)).rejects.toThrow(/journal exists; use --resume/);
    expect(readFileSync(opts.journalPath, 'utf8')).toBe('precious\n');
  });

  it('keepRecords false streams to the journal and returns only counters', async () => {
    const opts = base({ items: makeItems(50), targets: [fakeTarget('a'), fakeTarget('b')], keepRecords: false });
    const seen: string[] = [];
    const out = await runEval({ ...opts, onResult: (r) => seen.push(`${r.itemId}/${r.systemId}`) });
    expect(out.records).toBeNull();
    expect(out.completed).toBe(100);
    expect(seen).toHaveLength(100);
    expect(existsSync(opts.journalPath)).toBe(true);
  });

  it('rejects duplicate system ids and item ids as bad input', async () => {
    await expect(runEval(base({ targets: [fakeTarget('a'), fakeTarget('a')] }))).rejects.toBeInstanceOf(InputError);
    const items = makeItems(2);
    items[1].id = items[0].id;
    await expect(runEval(base({ items, targets: [fakeTarget('a')] }))).rejects.toThrow(/duplicate item id/);
  });
});
