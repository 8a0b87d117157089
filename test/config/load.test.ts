import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepMerge, expandDottedKeys, findConfigFile, loadConfig, resolveConfigPath } from '../../src/config/load.js';
import { InputError } from '../../src/util/errors.js';

const FX = resolve('test/fixtures/configs');
const tmp = mkdtempSync(join(tmpdir(), 'ftrag-config-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}
async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

const BASE_SYSTEM = 'systems:\n  - id: base\n    kind: base\n    modelId: m\n';

describe('loadConfig', () => {
  it('loads YAML, applies defaults and resolves paths against the config folder', async () => {
    const { config, file, baseDir } = await loadConfig(`${FX}/valid.yaml`);
    expect(file).toBe(`${FX}/valid.yaml`);
    expect(baseDir).toBe(FX);
    expect(config.evalSet).toBe(join(FX, 'data/eval.jsonl'));
    expect(config.systems[1].training?.trainingData).toBe(join(FX, 'data/train.jsonl'));
    expect(config.systems[1].training?.customizationType).toBe('FINE_TUNING');
    expect(config.systems[2].knowledgeBase?.documents).toBe(join(FX, 'data/kb'));
    expect(config.runner).toEqual({ concurrency: 4, timeoutMs: 60_000, maxRetries: 6, cache: true });
    expect(config.workload.monthlyQueries).toBe(100_000);
  });

  it('loads JSON and keeps s3:// URIs', async () => {
    const { config } = await loadConfig(`${FX}/valid.json`);
    expect(config.evalSet).toBe('s3://bucket/eval.jsonl');
    expect(config.name).toBe('experiment');
  });

  it('overrides win over the file, deep-merged, dotted keys allowed', async () => {
    const { config } = await loadConfig(`${FX}/valid.yaml`, { runner: { maxRetries: 1 }, 'workload.monthlyQueries': 5, seed: 7 });
    expect(config.runner.concurrency).toBe(4);
    expect(config.runner.maxRetries).toBe(1);
    expect(config.workload.monthlyQueries).toBe(5);
    expect(config.seed).toBe(7);
  });

  it('works without a file from overrides alone', async () => {
    const { config, file, baseDir } = await loadConfig(undefined, { evalSet: 'e.jsonl', systems: [{ id: 'b', kind: 'base', modelId: 'm' }] });
    expect(file).toBeUndefined();
    expect(baseDir).toBe(process.cwd());
    expect(config.evalSet).toBe(resolve('e.jsonl'));
  });

  it('a wrong type names file, line and field path', async () => {
    const err = await inputError(loadConfig(`${FX}/bad-model.yaml`));
    expect(err.location).toEqual({ file: `${FX}/bad-model.yaml`, line: 8, field: 'systems.1.modelId' });
    expect(err.message).toContain('bad-model.yaml, line 8, field "systems.1.modelId"');
  });

  it('a bad enum in JSON names the line', async () => {
    const err = await inputError(loadConfig(`${FX}/bad-kind.json`));
    expect(err.location).toEqual({ file: `${FX}/bad-kind.json`, line: 5, field: 'systems.1.kind' });
  });

  it('a missing required field points at the object that should hold it', async () => {
    const p = write('missing.yaml', `name: x\n${BASE_SYSTEM}`);
    const err = await inputError(loadConfig(p));
    expect(err.location.field).toBe('evalSet');
    const p2 = write('missing2.yaml', 'evalSet: e.jsonl\nsystems:\n  - id: a\n    modelId: m\n');
    expect((await inputError(loadConfig(p2))).location).toEqual({ file: p2, line: 3, field: 'systems.0.kind' });
  });

  it('rejects ../ escapes but accepts absolute paths', async () => {
    const err = await inputError(loadConfig(`${FX}/escape.yaml`));
    expect(err.location).toMatchObject({ line: 7, field: 'systems.0.training.trainingData' });
    expect(err.message).toMatch(/escapes the config folder/);
    expect(resolveConfigPath('/abs/x.jsonl', '/base')).toBe('/abs/x.jsonl');
    expect(resolveConfigPath('a/../b.jsonl', '/base')).toBe('/base/b.jsonl');
    expect(() => resolveConfigPath('a/../../b.jsonl', '/base')).toThrow(InputError);
    expect(resolveConfigPath('s3://b/k', '/base')).toBe('s3://b/k');
  });

  it('cross-field rules: unique ids, generatorFrom, rag needs KB, fine-tuned needs a model, primaryMetric', async () => {
    const cases: Array<[string, string, number | undefined]> = [
      [`evalSet: e.jsonl\n${BASE_SYSTEM}  - id: base\n    kind: base\n    modelId: m2\n`, 'systems.1.id', 6],
      [`evalSet: e.jsonl\n${BASE_SYSTEM}  - id: r\n    kind: rag-fine-tuned\n    generatorFrom: nope\n    knowledgeBase: {id: KB1}\n`, 'systems.1.generatorFrom', 8],
      [`evalSet: e.jsonl\n${BASE_SYSTEM}  - id: r\n    kind: rag\n    modelId: m\n`, 'systems.1.knowledgeBase', 6],
      [`evalSet: e.jsonl\n${BASE_SYSTEM}  - id: f\n    kind: fine-tuned\n`, 'systems.1.modelId', 6],
      [`evalSet: e.jsonl\n${BASE_SYSTEM}metrics: [exact]\nprimaryMetric: f1\n`, 'primaryMetric', 7],
    ];
    for (const [i, [yaml, field, line]] of cases.entries()) {
      const p = write(`cross${i}.yaml`, yaml);
      const err = await inputError(loadConfig(p));
      expect(err.location).toEqual({ file: p, line, field });
    }
  });

  it('broken YAML, broken JSON, empty file, non-mapping, missing file', async () => {
    const y = write('broken.yaml', 'evalSet: e.jsonl\nsystems:\n  - id: a\n   kind: base\n');
    const ey = await inputError(loadConfig(y));
    expect(ey.message).toMatch(/invalid YAML/);
    expect(ey.location.line).toBeGreaterThanOrEqual(3);
    const j = write('broken.json', '{\n"evalSet": "e",\n"systems": [,]\n}');
    const ej = await inputError(loadConfig(j));
    expect(ej.message).toMatch(/invalid JSON/);
    expect(ej.location.line).toBe(3);
    expect((await inputError(loadConfig(write('empty.yaml', '  \n')))).message).toMatch(/empty config file/);
    expect((await inputError(loadConfig(write('list.yaml', '- a\n- b\n')))).message).toMatch(/must be a mapping/);
    expect((await inputError(loadConfig(join(tmp, 'none.yaml')))).message).toMatch(/config file not found/);
    const dup = write('dupkey.yaml', `evalSet: a\nevalSet: b\n${BASE_SYSTEM}`);
    expect((await inputError(loadConfig(dup))).location.line).toBe(2);
  });

  it('an override that is wrong names the field without a file line', async () => {
    const err = await inputError(loadConfig(`${FX}/valid.yaml`, { 'runner.concurrency': 0 }));
    expect(err.location).toEqual({ file: `${FX}/valid.yaml`, line: undefined, field: 'runner.concurrency' });
  });

  it('helpers: deepMerge replaces arrays, expandDottedKeys nests, findConfigFile looks in a folder', async () => {
    expect(deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
    expect(expandDottedKeys({ 'a.b': 1, a: { c: 2 } })).toEqual({ a: { b: 1, c: 2 } });
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-find-'));
    expect(await findConfigFile(dir)).toBeUndefined();
    writeFileSync(join(dir, 'ftrag.yaml'), 'x: 1');
    expect(await findConfigFile(dir)).toBe(join(dir, 'ftrag.yaml'));
  });
});
