import { describe, expect, it } from 'vitest';
import { assignRecordIds, BATCH_MAX_RECORDS_PER_FILE, partFileName, splitIntoFiles } from '../../src/targets/batch-files.js';
import { parseOutputLine } from '../../src/targets/batch.js';

describe('batch input files', () => {
  it('splits at 50,000 records per file, keeping order', () => {
    const lines = Array.from({ length: 2 * BATCH_MAX_RECORDS_PER_FILE + 7 }, (_, i) => `{"recordId":"${i}"}`);
    const files = splitIntoFiles(lines);
    expect(files.map((f) => f.length)).toEqual([50_000, 50_000, 7]);
    expect(files.flat()).toEqual(lines);
    expect(splitIntoFiles(lines.slice(0, 50_000))).toHaveLength(1);
    expect(splitIntoFiles(lines.slice(0, 50_001)).map((f) => f.length)).toEqual([50_000, 1]);
  });

  it('splits by bytes (newline included) before a file would pass the byte limit', () => {
    const line = 'x'.repeat(99); // 100 bytes with its newline
    expect(splitIntoFiles(Array(10).fill(line), { maxBytesPerFile: 300 }).map((f) => f.length)).toEqual([3, 3, 3, 1]);
    expect(splitIntoFiles(['é'.repeat(50)], { maxBytesPerFile: 101 })).toHaveLength(1); // 100 UTF-8 bytes + newline
    expect(() => splitIntoFiles(['é'.repeat(50)], { maxBytesPerFile: 100 })).toThrow(/record 1 is 101 bytes/);
  });

  it('gives every item a stable, distinct 11-character record id', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `item-${i}`);
    const a = assignRecordIds(ids);
    const b = assignRecordIds([...ids].reverse());
    expect(new Set(a.values()).size).toBe(ids.length);
    for (const id of ids) {
      expect(a.get(id)).toBe(b.get(id));
      expect(a.get(id)).toMatch(/^R[0-9A-F]{10}$/);
    }
    expect(partFileName(0)).toBe('part-00001.jsonl');
  });

  it('maps output lines to responses and errors, and never trusts their shape', () => {
    const ok = parseOutputLine(
      JSON.stringify({ recordId: 'R1', modelInput: {}, modelOutput: { output: { message: { content: [{ text: 'Paris' }] } }, usage: { inputTokens: 7, outputTokens: 2 }, stopReason: 'end_turn' } }),
      12.5,
    );
    expect(ok).toEqual({ recordId: 'R1', result: { ok: true, response: { output: 'Paris', latencyMs: 12.5, latencyBasis: 'batch-job-wall-time-per-record', usage: { inputTokens: 7, outputTokens: 2 }, stopReason: 'end_turn' } } });
    expect(parseOutputLine(JSON.stringify({ recordId: 'R2', error: { errorCode: 400, errorMessage: 'bad input' } }), 1)).toEqual({
      recordId: 'R2',
      result: { ok: false, code: 'Batch400', message: 'bad input' },
    });
    expect(parseOutputLine(JSON.stringify({ recordId: 'R3', modelOutput: { output: 'nope' } }), 1)?.result.ok).toBe(false);
    expect(parseOutputLine('{torn', 1)).toBeUndefined();
    expect(parseOutputLine('{"modelOutput":{}}', 1)).toBeUndefined();
  });
});
