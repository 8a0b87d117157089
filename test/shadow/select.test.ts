import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { recordsOf, type LogFile } from '../../src/shadow/sources.js';
import { sampleOf, selectRecords } from '../../src/shadow/select.js';
import { converseRecord, jsonl } from './fixtures.js';

const file = (name: string, text: string | Buffer): LogFile => ({ name, read: async () => Buffer.from(text) });
const recs = (n: number, model = 'amazon.nova-micro-v1:0') =>
  Array.from({ length: n }, (_, i) => converseRecord({ id: `req-${i}`, prompt: `question ${i}`, answer: `answer ${i}`, modelId: model, timestamp: `2026-11-30T${String(10 + (i % 5)).padStart(2, '0')}:00:00Z` }));

describe('selecting records from log files', () => {
  it('counts bad records with file and line and keeps the good ones', async () => {
    const good = recs(3);
    const text = `${JSON.stringify(good[0])}\n{"schemaType":"ModelInvocationLog","requestId":\n${JSON.stringify({ ...good[1], operation: 'Mystery' })}\n${JSON.stringify(good[2])}\n`;
    const s = await selectRecords([file('a.jsonl', text)], { seed: 1 });
    expect(s.usable.map((r) => r.requestId)).toEqual(['req-0', 'req-2']);
    expect(s.bad.count).toBe(2);
    expect(s.bad.examples).toEqual([
      expect.objectContaining({ file: 'a.jsonl', line: 2, reason: expect.stringMatching(/invalid JSON/) }),
      expect.objectContaining({ file: 'a.jsonl', line: 3, reason: expect.stringMatching(/operation "Mystery"/) }),
    ]);
  });

  it('needs --model-id when the logs hold several models, then skips the others with file and line', async () => {
    const text = jsonl([...recs(2), ...recs(1, 'amazon.nova-lite-v1:0').map((r) => ({ ...r, requestId: 'lite' }))]);
    await expect(selectRecords([file('m.jsonl', text)], { seed: 1 })).rejects.toThrow(/2 models.*--model-id/);
    const s = await selectRecords([file('m.jsonl', text)], { seed: 1, modelId: 'amazon.nova-micro-v1:0' });
    expect(s.usable).toHaveLength(2);
    expect(s.skipped).toEqual({ 'other-model': 1 });
    expect(s.skippedExamples[0]).toMatchObject({ file: 'm.jsonl', line: 3 });
  });

  it('filters by operation and time window and drops duplicate request ids', async () => {
    const all = recs(10);
    all[3] = { ...all[3], operation: 'ConverseStream' };
    const text = jsonl([...all, all[0]]);
    const s = await selectRecords([file('w.jsonl', text)], { seed: 1, operations: ['Converse'], since: '2026-11-30T11:00:00Z', until: '2026-11-30T14:00:00Z' });
    expect(s.usable.every((r) => r.operation === 'Converse' && r.time >= Date.parse('2026-11-30T11:00:00Z') && r.time < Date.parse('2026-11-30T14:00:00Z'))).toBe(true);
    expect(s.skipped['duplicate'] ?? 0).toBe(0); // req-0 is at 10:00, outside the window, both copies
    const d = await selectRecords([file('w.jsonl', text)], { seed: 1 });
    expect(d.skipped.duplicate).toBe(1);
    await expect(selectRecords([file('w.jsonl', text)], { seed: 1, since: 'last tuesday' })).rejects.toThrow(/since/);
    await expect(selectRecords([file('w.jsonl', text)], { seed: 1, operations: ['Chat'] })).rejects.toThrow(/operation/);
  });

  it('samples reproducibly: independent of file order, and a larger sample keeps the smaller one', async () => {
    const all = recs(50);
    const a = await selectRecords([file('x.jsonl', jsonl(all))], { seed: 9, sample: 10 });
    const b = await selectRecords([file('y.jsonl', jsonl([...all].reverse()))], { seed: 9, sample: 10 });
    expect(a.selected.map((r) => r.requestId)).toEqual(b.selected.map((r) => r.requestId));
    const bigger = sampleOf(a.usable, 20, 9).map((r) => r.requestId);
    expect(a.selected.every((r) => bigger.includes(r.requestId))).toBe(true);
    const other = sampleOf(a.usable, 10, 10).map((r) => r.requestId);
    expect(other).not.toEqual(a.selected.map((r) => r.requestId));
  });

  it('reads gzip files, pretty-printed single records and arrays; a truncated gzip keeps its complete lines', () => {
    const all = recs(4);
    expect(recordsOf('a.json.gz', gzipSync(jsonl(all)))).toHaveLength(4);
    expect(recordsOf('one.json', Buffer.from(JSON.stringify(all[0], null, 2)))).toEqual([expect.objectContaining({ line: 1, value: all[0] })]);
    expect(recordsOf('arr.json', Buffer.from(JSON.stringify(all)))).toHaveLength(4);
    const gz = gzipSync(jsonl(recs(200)));
    const cut = recordsOf('cut.json.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(cut.at(-1)!.parseError).toMatch(/truncated/);
    expect(cut.filter((r) => r.value).length).toBeGreaterThan(10);
  });
});
