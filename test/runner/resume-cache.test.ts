import { appendFileSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, readJournalEntries, repairTornTail, runEval, type JournalRecord, type RunEvalOptions, type RunOutcome } from '../../src/runner/index.js';
import { CacheStore } from '../../src/util/cache-store.js';
import { fakeTarget, invalid, makeItems, tempDir } from './fakes.js';

function base(over: Partial<RunEvalOptions>): RunEvalOptions {
  return {
    items: makeItems(10),
    targets: [],
    journalPath: join(tempDir(), 'journal.jsonl'),
    concurrency: 3,
    timeoutMs: 2000,
    maxRetries: 2,
    seed: 1,
    progress: 'none',
    cache: null,
    backoff: { baseMs: 1, throttleBaseMs: 1, maxMs: 2 },
    ...over,
  };
}

const line = (itemId: string, systemId: string, ok: boolean, extra: Partial<JournalRecord> = {}) =>
  `${JSON.stringify({
    v: 1,
    itemId,
    systemId,
    ok,
    ...(ok ? { response: { output: `old ${itemId}`, latencyMs: 5 } } : { error: { code: 'InternalServerException', message: 'x' } }),
    retries: 1,
    throttles: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    ...extra,
  })}\n`;

async function allRecords(path: string): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of readJournal(path)) out.push(r);
  return out;
}

/** The journal index read back as the record table keepRecords gives: item -> system -> record, in set order. */
function readBack(out: RunOutcome, items: { id: string }[]): Map<string, Map<string, JournalRecord>> {
  const index = out.journalIndex!;
  const reader = index.open();
  const table = new Map<string, Map<string, JournalRecord>>();
  try {
    items.forEach((item, i) => {
      const row = new Map<string, JournalRecord>();
      index.systemIds.forEach((id, s) => {
        const r = reader.read(s, i);
        if (r) row.set(id, r);
      });
      if (row.size) table.set(item.id, row);
    });
  } finally {
    reader.close();
  }
  return table;
}

describe('journal and resume', () => {
  it('indexRecords keeps each pair\'s journal position, not its record: read back, the same final records as keepRecords, after a kill and a resume', async () => {
    const items = makeItems(6);
    // Multi-byte text before and inside the lines: positions are bytes, not characters.
    const old = (itemId: string, systemId: string, ok: boolean, extra: Partial<JournalRecord> = {}) =>
      line(itemId, systemId, ok, ok ? { response: { output: `é ✓ 日本 ${itemId}`, latencyMs: 5 }, ...extra } : extra);
    const previous =
      old('q0000', 'a', true) + old('q0000', 'b', true) + old('q0001', 'a', true) + old('q0001', 'a', false) +
      old('q0003', 'b', false) + old('q0003', 'b', true) + old('q9999', 'a', true) + old('q0004', 'a', true).slice(0, 50);
    const runs: Map<string, Map<string, JournalRecord>>[] = [];
    for (const mode of ['records', 'index'] as const) {
      const opts = base({ items, ...(mode === 'index' ? { indexRecords: true } : {}) });
      writeFileSync(opts.journalPath, previous);
      const out = await runEval({ ...opts, targets: [fakeTarget('a'), fakeTarget('b')], resume: true });
      expect(out).toMatchObject({ total: 12, completed: 12, failed: 0, resumed: 3 });
      if (mode === 'index') {
        expect(out.records).toBeNull();
        runs.push(readBack(out, items));
      } else {
        expect(out.journalIndex).toBeNull();
        runs.push(out.records!);
      }
    }
    const [records, indexed] = runs;
    expect(indexed.get('q0000')!.get('a')!.response!.output).toBe('é ✓ 日本 q0000');
    expect(indexed.get('q0001')!.get('a')!.response!.output).toBe('a:question 1');
    const strip = (t: Map<string, Map<string, JournalRecord>>) =>
      [...t].flatMap(([item, row]) => [...row].map(([system, r]) => [item, system, r.ok, r.response?.output, r.retries]));
    expect(strip(indexed).sort()).toEqual(strip(records).sort());
    expect(strip(indexed)).toHaveLength(12);
  });

  it('readJournalEntries gives each line\'s byte offset and length, across read chunks and CRLF', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const long = 'ü'.repeat(70_000); // longer than one read chunk (64 KiB), two bytes a character
    const text = line('q1', 'a', true, { response: { output: long, latencyMs: 1 } }) + '\n' + line('q2', 'a', true).replace('\n', '\r\n') + line('q3', 'b', false);
    writeFileSync(path, text);
    const bytes = readFileSync(path);
    const entries = [];
    for await (const e of readJournalEntries(path)) entries.push(e);
    expect(entries.map((e) => e.record.itemId)).toEqual(['q1', 'q2', 'q3']);
    for (const e of entries) expect(JSON.parse(bytes.subarray(e.offset, e.offset + e.length).toString('utf8'))).toEqual(e.record);
    expect(entries[0].record.response!.output).toBe(long);
  });

  it('resumes after a simulated kill: torn last line dropped, finished pairs skipped, failed pairs retried, each pair once', async () => {
    const items = makeItems(6);
    const opts = base({ items });
    // A previous run: q0 and q1 done for both systems, q2/a failed, q3/b failed then succeeded (last wins),
    // q4/a was being written when the process died.
    writeFileSync(
      opts.journalPath,
      line('q0000', 'a', true) +
        line('q0000', 'b', true) +
        line('q0001', 'a', true) +
        line('q0001', 'b', true) +
        line('q0002', 'a', false) +
        line('q0003', 'b', false) +
        line('q0003', 'b', true) +
        line('q0004', 'a', true).slice(0, 40),
    );
    const a = fakeTarget('a');
    const b = fakeTarget('b');
    const out = await runEval({ ...opts, targets: [a, b], resume: true });

    expect(a.calls.map((c) => c.itemId).sort()).toEqual(['q0002', 'q0003', 'q0004', 'q0005']);
    expect(b.calls.map((c) => c.itemId).sort()).toEqual(['q0002', 'q0004', 'q0005']);
    expect(out).toMatchObject({ total: 12, completed: 12, failed: 0, resumed: 5 });
    // Resumed pairs keep their counts (1 retry, 1 throttle each); new ones had none.
    expect(out.retries).toBe(5);
    expect(out.throttles).toBe(5);
    expect(out.records!.get('q0000')!.get('a')!.response!.output).toBe('old q0000');
    expect(out.records!.get('q0005')!.get('b')!.response!.output).toBe('b:question 5');

    const records = await allRecords(opts.journalPath);
    const last = new Map(records.map((r) => [`${r.itemId}/${r.systemId}`, r]));
    expect(last.size).toBe(12);
    expect([...last.values()].every((r) => r.ok)).toBe(true);
    expect(readFileSync(opts.journalPath, 'utf8').endsWith('\n')).toBe(true);

    // Resuming a finished journal calls nothing and counts the same.
    const again = await runEval({ ...opts, targets: [fakeTarget('a', () => invalid()), fakeTarget('b', () => invalid())], resume: true });
    expect(again).toMatchObject({ completed: 12, failed: 0, resumed: 12, retries: 5 });
  });

  it('resumes by each pair\'s last line: answered-then-failed runs again, other sets\' pairs are ignored, counters are the last line\'s', async () => {
    const items = makeItems(4);
    const opts = base({ items });
    writeFileSync(
      opts.journalPath,
      line('q0002', 'a', true, { retries: 3, throttles: 2, cached: true }) +
        line('q0000', 'a', true) +
        line('q0001', 'a', true) +
        line('q0001', 'a', false, { retries: 0, throttles: 0 }) +
        line('q0003', 'a', false) +
        line('q0003', 'a', true, { retries: 0, throttles: 0 }) +
        line('q9999', 'a', true) +
        line('q0000', 'z', true),
    );
    const a = fakeTarget('a');
    const out = await runEval({ ...opts, targets: [a], resume: true });
    expect(a.calls.map((c) => c.itemId)).toEqual(['q0001']);
    expect(out).toMatchObject({ total: 4, completed: 4, failed: 0, resumed: 3, retries: 4, throttles: 3, cacheHits: 1 });
    // Resumed pairs kept in the set's order, not the journal's, then this run's: the re-run pair has its new answer.
    expect([...out.records!.keys()]).toEqual(['q0000', 'q0002', 'q0003', 'q0001']);
    expect(out.records!.get('q0001')!.get('a')!.response!.output).toBe('a:question 1');
    expect(out.records!.get('q0002')!.get('a')!).toMatchObject({ cached: true, retries: 3 });
  });

  it('resumes without keeping records: counters only, the same pairs skipped', async () => {
    const opts = base({ items: makeItems(3), keepRecords: false });
    writeFileSync(opts.journalPath, line('q0000', 'a', true) + line('q0001', 'a', false));
    const a = fakeTarget('a');
    const out = await runEval({ ...opts, targets: [a], resume: true });
    expect(out.records).toBeNull();
    expect(a.calls.map((c) => c.itemId).sort()).toEqual(['q0001', 'q0002']);
    expect(out).toMatchObject({ completed: 3, resumed: 1, retries: 1 });
  });

  it('keeps a complete final line that only lacks its newline', () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, line('q1', 'a', true) + line('q2', 'a', true).trimEnd());
    expect(repairTornTail(path)).toBe(false);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    appendFileSync(path, '{"v":1,"itemId":"q3"');
    expect(repairTornTail(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(line('q1', 'a', true) + line('q2', 'a', true));
  });

  it('reports a corrupt line in the middle with file and line', async () => {
    const opts = base({ targets: [fakeTarget('a')], resume: true });
    writeFileSync(opts.journalPath, line('q0000', 'a', true) + 'garbage\n' + line('q0001', 'a', true));
    await expect(runEval(opts)).rejects.toThrow(/journal\.jsonl, line 2/);
  });

  it('an interrupted run journals nothing for calls in flight and resumes to completion', async () => {
    const controller = new AbortController();
    let calls = 0;
    const slow = fakeTarget('a', () => (++calls === 8 ? (controller.abort(), 'ok') : 'ok'), { delayMs: 5 });
    const opts = base({ items: makeItems(30), targets: [slow], concurrency: 2 });
    const first = await runEval({ ...opts, signal: controller.signal });
    expect(first.interrupted).toBe(true);
    expect(first.completed).toBeLessThan(30);
    const journaled = (await allRecords(opts.journalPath)).length;
    expect(journaled).toBe(first.completed + first.failed);
    expect(first.failed).toBe(0);

    const second = await runEval({ ...opts, targets: [fakeTarget('a')], resume: true });
    expect(second).toMatchObject({ completed: 30, failed: 0, resumed: first.completed, interrupted: false });
    const records = await allRecords(opts.journalPath);
    expect(new Set(records.map((r) => r.itemId)).size).toBe(30);
    expect(records).toHaveLength(30);
  });
});

describe('response cache', () => {
  it('hits on the same endpoint with the original latency flagged cached, misses on another endpoint or with cache off', async () => {
    const dir = tempDir();
    const items = makeItems(5);
    const run = (endpointKey: string | null, t = fakeTarget('a')) =>
      runEval(base({ items, targets: [t], cache: endpointKey ? { dir, endpointKey } : null })).then((out) => ({ out, t }));

    const first = await run('url:http://127.0.0.1:1111|us-east-1');
    expect(first.t.calls).toHaveLength(5);
    expect(first.out.cacheHits).toBe(0);

    const second = await run('url:http://127.0.0.1:1111|us-east-1');
    expect(second.t.calls).toHaveLength(0);
    expect(second.out.cacheHits).toBe(5);
    const r = second.out.records!.get('q0001')!.get('a')!;
    expect(r).toMatchObject({ ok: true, cached: true, response: { output: 'a:question 1', latencyMs: 1 } });

    const otherEndpoint = await run('url:http://127.0.0.1:2222|us-east-1');
    expect(otherEndpoint.t.calls).toHaveLength(5);
    // One store for every endpoint, the endpoint part of each key: five entries per endpoint.
    expect(readdirSync(dir)).toEqual(['responses.log']);
    expect(new CacheStore(dir, 'responses').stats().entries).toBe(10);

    const off = await run(null);
    expect(off.t.calls).toHaveLength(5);
  });

  it('misses when the request or the system config changes, and never caches failures', async () => {
    const dir = tempDir();
    const cache = { dir, endpointKey: 'aws:us-east-1' };
    const items = makeItems(3);
    await runEval(base({ items, targets: [fakeTarget('a', (id) => (id === 'q0002' ? invalid() : 'ok'))], cache }));
    const sameButMaxTokens = fakeTarget('a');
    await runEval(base({ items, targets: [sameButMaxTokens], cache, request: (it) => ({ itemId: it.id, prompt: it.prompt, maxTokens: 5 }) }));
    expect(sameButMaxTokens.calls).toHaveLength(3);
    const again = fakeTarget('a');
    await runEval(base({ items, targets: [again], cache }));
    expect(again.calls.map((c) => c.itemId)).toEqual(['q0002']); // the failure was not cached
    const otherModel = Object.assign(fakeTarget('a'), { modelId: 'another-model' });
    await runEval(base({ items, targets: [otherModel], cache }));
    expect(otherModel.calls).toHaveLength(3);
  });
});
