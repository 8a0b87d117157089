import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createScorers, readPredictions, scoreOne } from '../../src/scoring/index.js';
import { loadEvalSet } from '../../src/datasets/load.js';
import { InputError } from '../../src/util/errors.js';
import { SQUAD_DEV } from '../shared-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'ftrag-score-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const evalSet = write(
  'set.jsonl',
  [
    { id: 'q1', prompt: 'Capital of France?', reference: 'Paris', category: 'geo' },
    { id: 'q2', prompt: 'Capital of Italy?', reference: 'Rome', category: 'geo' },
    { id: 'q3', prompt: 'Largest planet?', references: ['Jupiter', 'planet Jupiter'], category: 'space' },
    { id: 'q4', prompt: 'Who won the 2090 cup?', reference: '', category: 'space' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('ftrag score', () => {
  it('scores JSONL predictions, lists missing ids as "" and summarizes per category', async () => {
    const preds = write('p.jsonl', '{"id":"q1","output":"Paris"}\n\n{"id":"q2","prediction":"Milan"}\n{"id":"q3","answer":"It is Jupiter."}\n');
    const code = await main(['score', '--eval-set', evalSet, '--predictions', preds, '--metrics', 'exact,f1,contains']);
    expect(code, err).toBe(0);
    const report = JSON.parse(out);
    expect(report.n).toBe(4);
    expect(report.missing).toEqual(['q4']);
    // q1 exact, q2 wrong, q3 "it is jupiter" vs "jupiter": not exact, q4 missing -> "" matches the no-answer reference
    expect(report.metrics.exact.mean).toBe(0.5);
    expect(report.metrics.exact.method).toBe('wilson');
    expect(report.metrics.exact.ci95[0]).toBeLessThan(0.5);
    expect(report.metrics.f1.mean).toBeCloseTo((1 + 0 + 0.5 + 1) / 4, 12);
    expect(report.metrics.f1.method).toMatch(/^bootstrap/);
    expect(report.metrics.contains.mean).toBe(0.75);
    expect(report.byCategory.geo.n).toBe(2);
    expect(report.byCategory.geo.metrics.exact.mean).toBe(0.5);
    expect(report.byCategory.space.metrics.f1.mean).toBeCloseTo(0.75, 12);
  });

  it('accepts a SQuAD-style JSON object and is deterministic', async () => {
    const preds = write('p.json', JSON.stringify({ q1: 'Paris', q2: 'Rome', q3: 'Jupiter', q4: '' }));
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds])).toBe(0);
    const first = JSON.parse(out);
    expect(first.metrics.exact.mean).toBe(1);
    expect(first.metrics.f1.mean).toBe(1);
    expect(first.metrics.rougeL.n).toBe(3); // the unanswerable item has no ROUGE
    out = '';
    await main(['score', '--eval-set', evalSet, '--predictions', preds]);
    expect(JSON.parse(out)).toEqual(first);
  });

  it('prints a table with --no-json', async () => {
    const preds = write('p2.json', JSON.stringify({ q1: 'Paris' }));
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds, '--no-json', '--metrics', 'exact'])).toBe(0);
    expect(out).toMatch(/exact\s+0\.5000/);
  });

  it('exits 2 for a prediction whose id is not in the eval set', async () => {
    const preds = write('stray.jsonl', '{"id":"q1","output":"Paris"}\n{"id":"nope","output":"x"}\n');
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds])).toBe(2);
    expect(err).toContain('"nope"');
    expect(err).toContain('stray.jsonl');
  });

  it('exits 2 naming file and line for a predictions file that does not parse', async () => {
    const preds = write('bad.jsonl', '{"id":"q1","output":"Paris"}\n{"id":"q2", oops\n');
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds])).toBe(2);
    expect(err).toMatch(/bad\.jsonl, line 2/);
  });

  it('exits 2 for an unknown metric', async () => {
    const preds = write('ok.json', '{"q1":"Paris"}');
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds, '--metrics', 'exact,bleu'])).toBe(2);
    expect(err).toContain('"bleu"');
  });

  it('exits 2 when a model-backed metric has no judge model', async () => {
    const preds = write('ok2.json', '{"q1":"Paris"}');
    expect(await main(['score', '--eval-set', evalSet, '--predictions', preds, '--metrics', 'Builtin.Correctness', '--endpoint-url', 'http://127.0.0.1:9'])).toBe(2);
    expect(err).toContain('judge');
  });
});

describe('readPredictions', () => {
  it('rejects a non-string answer, a missing id and duplicates with the line', async () => {
    await expect(readPredictions(write('n.jsonl', '{"id":"a","output":3}\n'))).rejects.toThrow(/line 1, field "output"/);
    await expect(readPredictions(write('m.jsonl', '{"output":"x"}\n{"output":"y"}\n'))).rejects.toThrow(/line 1, field "id"/);
    await expect(readPredictions(write('d.jsonl', '{"id":"a","output":"x"}\n{"id":"a","output":"y"}\n'))).rejects.toThrow(/line 2.*duplicate/);
    await expect(readPredictions(join(tmp, 'absent.jsonl'))).rejects.toBeInstanceOf(InputError);
  });

  it('reads a single-line JSONL record as a record, and a JSON array of records', async () => {
    expect([...(await readPredictions(write('one.jsonl', '{"id":"q1","output":"Paris"}')))]).toEqual([['q1', 'Paris']]);
    expect([...(await readPredictions(write('arr.json', '[{"id":"q1","answer":"Paris"},{"id":2,"output":"x"}]')))]).toEqual([
      ['q1', 'Paris'],
      ['2', 'x'],
    ]);
  });
});

// Scored through the loader and the scorers directly: the CLI path is covered above, and the bootstrap over
// 6,078 items x 16 categories would dominate the suite's run time.
describe.skipIf(!SQUAD_DEV)('SQuAD v2 dev (CS224n split) through loadEvalSet and the scorers', () => {
  it('gold answers give exact = f1 = 1; empty answers give the NoAns share 3168/6078', async () => {
    const set = await loadEvalSet(SQUAD_DEV!);
    expect(set.items).toHaveLength(6078);
    const data = JSON.parse(readFileSync(SQUAD_DEV!, 'utf8')) as {
      data: { paragraphs: { qas: { id: string; answers: { text: string }[] }[] }[] }[];
    };
    const firstGold = new Map<string, string>();
    for (const a of data.data) for (const p of a.paragraphs) for (const q of p.qas) firstGold.set(q.id, q.answers[0]?.text ?? '');
    const scorers = createScorers(['exact', 'f1']);
    const mean = async (answer: (id: string) => string) => {
      let exact = 0;
      let f1 = 0;
      for (const item of set.items) {
        const { scores } = await scoreOne(scorers, { item, output: answer(item.id) });
        exact += scores.exact ?? 0;
        f1 += scores.f1 ?? 0;
      }
      return { exact: exact / set.items.length, f1: f1 / set.items.length };
    };
    expect(await mean((id) => firstGold.get(id)!)).toEqual({ exact: 1, f1: 1 });
    const empty = await mean(() => '');
    expect(empty.exact).toBeCloseTo(3168 / 6078, 12);
    expect(empty.f1).toBeCloseTo(3168 / 6078, 12);
  });
});
