import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const FX = 'test/data/fixtures';
const tmp = mkdtempSync(join(tmpdir(), 'ftrag-data-cli-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

async function ftrag(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());

const NOVA = 'amazon.nova-micro-v1:0:128k';
const BAD = {
  broken: () => write('broken.jsonl', '{"prompt":"a","completion":"b"}\n{"prompt": "c",\n'),
  wrongKeys: () => write('wrong.jsonl', '{"question":"a","answer":"b"}\n'),
  empty: () => write('empty.jsonl', ''),
  huge: () => write('huge.jsonl', `{"prompt":"a","completion":"b"}\n{"prompt":"${'x'.repeat(10 * 1024 * 1024 + 10)}"}\n`),
};

describe('ftrag data validate', () => {
  it('exit 0 on good data, 2 with every problem listed on bad data', async () => {
    const ok = await ftrag('data', 'validate', `${FX}/nova-good.jsonl`, '--model', NOVA);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK: 0 error\(s\), 1 warning\(s\)/);
    const bad = await ftrag('data', 'validate', `${FX}/nova-bad.jsonl`, '--model', NOVA);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/ERROR +test\/data\/fixtures\/nova-bad\.jsonl, line 6, field "messages\[1\]\.role": roles must alternate/);
    expect(bad.stdout).toMatch(/FAIL: 8 error\(s\)/);
    const json = await ftrag('data', 'validate', `${FX}/nova-bad.jsonl`, '--model', NOVA, '--json');
    expect(JSON.parse(json.stdout).errors).toBe(8);
  });

  it('broken JSON, wrong keys, empty file, huge line: exit 2 with file and line', async () => {
    const model = 'meta.llama3-1-8b-instruct-v1:0:128k';
    const cases: Array<[string, RegExp]> = [
      [BAD.broken(), /broken\.jsonl, line 2: invalid JSON/],
      [BAD.wrongKeys(), /wrong\.jsonl, line 1, field "prompt": missing required field "prompt"/],
      [BAD.empty(), /empty\.jsonl: empty file/],
      [BAD.huge(), /huge\.jsonl, line 2: line is longer than 10 MB/],
    ];
    for (const [file, pattern] of cases) {
      const r = await ftrag('data', 'validate', file, '--model', model);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(pattern);
    }
  });

  it('usage errors: no --model, unknown model', async () => {
    expect((await ftrag('data', 'validate', `${FX}/nova-good.jsonl`)).stderr).toMatch(/needs --model/);
    const unknown = await ftrag('data', 'validate', `${FX}/nova-good.jsonl`, '--model', 'acme.x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no training-data rules for model "acme\.x"/);
  });
});

describe('ftrag data split', () => {
  it('writes train/validation/test next to --out and prints counts', async () => {
    const input = write('to-split.jsonl', Array.from({ length: 50 }, (_, i) => JSON.stringify({ prompt: `prompt ${i} words ${i * 7}`, completion: `c${i}` })).join('\n'));
    const r = await ftrag('data', 'split', input, '--test', '0.2', '--validation', '0.1', '--seed', '5', '--out', join(tmp, 'out'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/test +10 /);
    expect(existsSync(join(tmp, 'out', 'to-split.validation.jsonl'))).toBe(true);
  });

  it('broken JSON, wrong keys, empty file, huge line: exit 2', async () => {
    for (const [file, pattern] of [
      [BAD.broken(), /line 2: invalid JSON/],
      [BAD.wrongKeys(), /line 1, field "question": unrecognised record/],
      [BAD.empty(), /empty file/],
      [BAD.huge(), /line 2: line is longer than 10 MB/],
    ] as Array<[string, RegExp]>) {
      const r = await ftrag('data', 'split', file, '--test', '0.2', '--out', join(tmp, 'never'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    expect((await ftrag('data', 'split', `${FX}/eval.jsonl`)).stderr).toMatch(/needs --test/);
  });
});

describe('ftrag data check', () => {
  it('prints statistics, contamination pairs and KB coverage; --strict exits 1 on contamination', async () => {
    const r = await ftrag('data', 'check', '--train', `${FX}/nova-good.jsonl`, '--eval-set', `${FX}/eval.jsonl`, '--kb', `${FX}/kb`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Contamination \(near-duplicate threshold 0\.8\): 2 of 5 items \(2 exact, 0 near\)/);
    expect(r.stdout).toMatch(/e2 +prompt exact +training line 2/);
    expect(r.stdout).toMatch(/KB coverage \(threshold 0\.8\): 3 of 4 answerable items \(75\.0%\)/);
    expect(r.stdout).toMatch(/categories: policy 2, history 2, brand 1/);
    const strict = await ftrag('data', 'check', '--train', `${FX}/nova-good.jsonl`, '--eval-set', `${FX}/eval.jsonl`, '--strict');
    expect(strict.code).toBe(1);
    const json = await ftrag('data', 'check', '--kb', `${FX}/kb`, '--eval-set', `${FX}/eval.jsonl`, '--json');
    expect(JSON.parse(json.stdout).coverage.covered).toBe(3);
  });

  it('broken JSON, wrong keys, empty file, huge line in either input: exit 2', async () => {
    for (const [file, pattern] of [
      [BAD.broken(), /line 2: invalid JSON/],
      [BAD.wrongKeys(), /line 1, field "question"/],
      [BAD.empty(), /empty file/],
      [BAD.huge(), /line 2: line is longer than 10 MB/],
    ] as Array<[string, RegExp]>) {
      const asTrain = await ftrag('data', 'check', '--train', file, '--eval-set', `${FX}/eval.jsonl`);
      expect(asTrain.code).toBe(2);
      expect(asTrain.stderr).toMatch(pattern);
      const asEval = await ftrag('data', 'check', '--train', `${FX}/nova-good.jsonl`, '--eval-set', file);
      expect(asEval.code).toBe(2);
      expect(asEval.stderr).toMatch(pattern);
    }
    expect((await ftrag('data', 'check', '--eval-set', `${FX}/eval.jsonl`)).stderr).toMatch(/needs --train and\/or --kb/);
    expect((await ftrag('data', 'check', '--train', `${FX}/nova-good.jsonl`, '--eval-set', `${FX}/eval.jsonl`, '--threshold', '2')).code).toBe(2);
  });
});
