import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { initExperiment } from '../../src/init/init.js';
import { collectItems, readRunItems } from '../../src/index.js';
import { parseRunResult } from '../../src/schema/read.js';
import { REPO, runCli, tempDir } from '../e2e/cli.js';
import { writeNewUserFiles } from './fixtures.js';

describe('ftrag init, from an empty folder to a run on the emulator', () => {
  it('writes a config from a CSV, a documents folder and a prompt/completion file that runs and reports all four systems', async () => {
    const work = tempDir('ftrag-init-');
    writeNewUserFiles(work);
    const init = await runCli(['init', '--yes', '--eval-set', 'questions.csv', '--documents', 'docs', '--training', 'train.jsonl'], { cwd: work });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/csv, 12 items/);
    expect(init.stdout).toMatch(/prompt-completion converted to bedrock-conversation-2024/);
    const converted = readFileSync(join(work, 'train.bedrock-conversation-2024.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(converted).toHaveLength(18);
    expect(converted[0]).toEqual({
      schemaVersion: 'bedrock-conversation-2024',
      messages: [
        { role: 'user', content: [{ text: 'Where does the Brindle Ferry mainly stop?' }] },
        { role: 'assistant', content: [{ text: 'Harbour Quay' }] },
      ],
    });
    const yaml = readFileSync(join(work, 'ftrag.yaml'), 'utf8');
    expect(yaml).toMatch(/^endpoint: emulator .*AWS: endpoint: aws/m);
    expect(yaml).toMatch(/# AWS: .*id: <your Knowledge Base id>/);

    const run = await runCli(['run', '--progress', 'none', '--out', 'out'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const result = parseRunResult(JSON.parse(readFileSync(join(work, 'out', 'run.json'), 'utf8')), 'run.json');
    expect(result.systems.map((s) => s.id)).toEqual(['base', 'fine-tuned', 'rag', 'rag-fine-tuned']);
    // run.json names its per-item sidecar; the library reads it back whole (count and sha256 checked).
    expect(result.items).toMatchObject({ path: 'items.jsonl', count: 12 });
    expect(await collectItems(await readRunItems(join(work, 'out')))).toHaveLength(12);
    const html = readFileSync(join(work, 'out', 'report.html'), 'utf8');
    // One price for one run: `ftrag cost --run` over the saved run gives the run's own cost lines.
    const cost = await runCli(['cost', '--run', join('out', 'run.json'), '--json'], { cwd: work });
    expect(cost.code, cost.stderr).toBe(0);
    const priced = JSON.parse(cost.stdout) as { systems: Array<{ id: string; cost: { horizonTotalUsd: number; per1kQueriesUsd: number } }> };
    for (const s of result.systems) {
      const p = priced.systems.find((x) => x.id === s.id)!;
      expect(p.cost.per1kQueriesUsd, s.id).toBeCloseTo(s.cost!.per1kQueriesUsd, 10);
      expect(p.cost.horizonTotalUsd, s.id).toBeCloseTo(s.cost!.horizonTotalUsd, 8);
    }
    const board = /<table class="board">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    for (const id of ['base', 'fine-tuned', 'rag', 'rag-fine-tuned']) expect(board).toContain(`<span class="sys">${id}</span>`);
  }, 240_000);

  it('leaves out the systems whose inputs were not given', async () => {
    const work = tempDir('ftrag-init-');
    const files = writeNewUserFiles(work, 'data');
    const { configFile } = await initExperiment({ dir: work, evalSet: files.evalSet, documents: files.documents });
    const { config } = await loadConfig(configFile);
    expect(config.systems.map((s) => s.kind)).toEqual(['base', 'rag']);
    expect(config.evalSet).toBe(join(work, 'data', 'questions.csv'));
  });

  it('never overwrites an existing config, and says how to replace it', async () => {
    const work = tempDir('ftrag-init-');
    writeNewUserFiles(work);
    writeFileSync(join(work, 'ftrag.yaml'), 'name: mine\n');
    const r = await runCli(['init', '--yes', '--eval-set', 'questions.csv'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ftrag\.yaml: already exists.*--force/);
    expect(readFileSync(join(work, 'ftrag.yaml'), 'utf8')).toBe('name: mine\n');
  });

  it('without a terminal or with --yes, a missing eval set is a usage error naming the flag', async () => {
    const work = tempDir('ftrag-init-');
    const r = await runCli(['init', '--yes'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--eval-set/);
    expect(existsSync(join(work, 'ftrag.yaml'))).toBe(false);
  });

  it('a bad eval-set row is refused with file, line and field, and nothing is written', async () => {
    const work = tempDir('ftrag-init-');
    writeFileSync(join(work, 'q.csv'), 'prompt,reference\nWhat is x?,1\n,2\n');
    const r = await runCli(['init', '--yes', '--eval-set', 'q.csv'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/q\.csv, line 3, field "prompt"/);
    expect(existsSync(join(work, 'ftrag.yaml'))).toBe(false);
  });

  it('a training line the model cannot take is refused with its line', async () => {
    const work = tempDir('ftrag-init-');
    const files = writeNewUserFiles(work);
    writeFileSync(files.training, `${JSON.stringify({ prompt: 'a?', completion: 'b' })}\n${JSON.stringify({ prompt: 'c?', completion: '' })}\n`);
    await expect(initExperiment({ dir: work, evalSet: files.evalSet, training: files.training })).rejects.toThrow(/train\.jsonl, line 2, field "completion"/);
    expect(existsSync(join(work, 'ftrag.yaml'))).toBe(false);
  });
});

describe('the README example is the file ftrag init writes', () => {
  it('matches init output for the README inputs, apart from the schema path', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /## Your own experiment[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const work = tempDir('ftrag-init-readme-');
    const files = writeNewUserFiles(work, 'data');
    const { configFile } = await initExperiment({ dir: work, evalSet: files.evalSet, documents: files.documents, training: files.training });
    const written = readFileSync(configFile, 'utf8').replace(/^# yaml-language-server: .*\n/, '').replace(/^name: .*$/m, 'name: "my-experiment"');
    expect(block!.replace(/^# yaml-language-server: .*\n/, '')).toBe(written);
  });
});

describe('the editor schema path ftrag init writes', () => {
  it('is relative to the written config (ftrag is not under this folder) and still finds the schema after the folder moves beside it', async () => {
    const work = tempDir('ftrag-init-schema-');
    const files = writeNewUserFiles(work);
    const { configFile } = await initExperiment({ dir: work, evalSet: files.evalSet });
    const text = readFileSync(configFile, 'utf8');
    const ref = /^# yaml-language-server: \$schema=(.*)$/m.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(isAbsolute(ref!)).toBe(false);
    expect(ref!.startsWith('.')).toBe(true);
    expect(ref).not.toContain('\\');
    // Resolved against the config's folder it is ftrag's own schema.
    expect(resolve(dirname(configFile), ref!)).toBe(join(REPO, 'schema', 'config.schema.json'));
    expect(JSON.parse(readFileSync(resolve(dirname(configFile), ref!), 'utf8')).title ?? 'schema').toBeTruthy();
  });
});
