import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, withConfigLocation } from '../../src/config/load.js';
import { nearest } from '../../src/config/strict.js';
import { loadGateRules } from '../../src/gate/rules.js';
import { InputError } from '../../src/util/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'ftrag-strict-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}
async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

const HEAD = 'evalSet: e.jsonl\nsystems:\n  - id: base\n    kind: base\n    modelId: m\n';

describe('unknown config keys are errors naming file, line, field and the nearest known key', () => {
  it('a misspelt runner key', async () => {
    const f = write('a.yaml', `${HEAD}runner:\n  concurency: 64\n`);
    const e = await inputError(loadConfig(f));
    expect(e.location).toMatchObject({ file: f, line: 7, field: 'runner.concurency' });
    expect(e.message).toContain('did you mean "concurrency"?');
  });

  it('a key in a system, in a nested object, and several at once', async () => {
    const f = write('b.yaml', 'evalSet: e.jsonl\nsystems:\n  - id: base\n    kind: base\n    modelID: m\n');
    const e = await inputError(loadConfig(f));
    expect(e.location).toMatchObject({ line: 5, field: 'systems.0.modelID' });
    expect(e.message).toContain('did you mean "modelId"?');

    const g = write('c.yaml', `${HEAD}runner:\n  maxRetry: 2\nworkload:\n  monthlyQueris: 5\n`);
    const e2 = await inputError(loadConfig(g));
    expect(e2.message).toContain('did you mean "maxRetries"?');
    expect(e2.message).toMatch(/and 1 more: workload\.monthlyQueris line 9/);
  });

  it('a key with no near neighbour lists the known keys; JSON configs get lines too', async () => {
    const f = write('d.json', JSON.stringify({ evalSet: 'e.jsonl', systems: [{ id: 'b', kind: 'base', modelId: 'm' }], zzzzzzzz: 1 }, null, 2));
    const e = await inputError(loadConfig(f));
    expect(e.location.field).toBe('zzzzzzzz');
    expect(e.location.line).toBe(10);
    expect(e.message).toMatch(/known keys here: .*evalSet/);
  });

  it('free-form maps (hyperParameters) are not checked key by key', async () => {
    const f = write('e.yaml', 'evalSet: e.jsonl\nsystems:\n  - id: ft\n    kind: fine-tuned\n    training:\n      baseModelId: amazon.nova-micro-v1:0\n      trainingData: t.jsonl\n      hyperParameters: {epochCount: 2, anyName: 1}\n');
    const { config } = await loadConfig(f);
    expect(config.systems[0].training?.hyperParameters.anyName).toBe(1);
  });

  it('a YAML alias bomb is bad input that names the file', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    const f = write('bomb.yaml', `${bomb.join('\n')}\n`);
    const e = await inputError(loadConfig(f));
    expect(e.location.file).toBe(f);
    expect(e.message).toMatch(/alias/i);
  });

  it('errors raised after loading get the file and line of the field they name', async () => {
    const f = write('f.yaml', 'evalSet: e.jsonl\nsystems:\n  - id: a\n    kind: base\n    modelId: m\n  - id: ft.x\n    kind: fine-tuned\n    serving:\n      type: on-demand\n    modelId: m2\n');
    const loaded = await loadConfig(f);
    const located = withConfigLocation(new InputError('no', { field: 'systems.ft.x.serving.type' }), loaded) as InputError;
    // ids may hold dots, so the id form is resolved by the config's own ids
    expect(located.location.file).toBe(f);
    const byIndex = withConfigLocation(new InputError('no', { field: 'systems[1].serving.type' }), loaded) as InputError;
    expect(byIndex.location).toMatchObject({ file: f, line: 9 });
    expect(byIndex.message).toBe(`${f}, line 9, field "systems[1].serving.type": no`);
  });

  it('suggests only near names', () => {
    expect(nearest('concurency', ['concurrency', 'cache'])).toBe('concurrency');
    expect(nearest('xyz', ['concurrency', 'cache'])).toBeUndefined();
  });
});

describe('gate rule files', () => {
  it('a misspelt key in a rule is an error (it would make a per-category rule apply to all items)', async () => {
    const f = write('rules.yaml', 'rules:\n  - type: floor\n    metric: f1\n    categroy: lookup\n    min: 0.5\n');
    const e = await inputError(loadGateRules(f));
    expect(e.location).toMatchObject({ file: f, line: 4, field: 'rules[0].categroy' });
    expect(e.message).toContain('did you mean "category"?');
  });

  it('an unknown top-level key too', async () => {
    const f = write('rules2.yaml', 'rule:\n  - type: floor\n');
    const e = await inputError(loadGateRules(f));
    expect(e.message).toMatch(/unknown key "rule"|expected an object/);
  });
});
