import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, runCli, shuffledTrainingData, tempDir, writeDemoConfig } from './cli.js';

const baseAndFineTuned = (c: Record<string, any>) => {
  c.systems = c.systems.filter((s: { id: string }) => s.id === 'base' || s.id === 'fine-tuned');
};

describe('ftrag run --baseline and ftrag gate after a retrain, on the emulator', () => {
  let work: string;
  let baseline: string;

  beforeAll(async () => {
    work = tempDir();
    const config = writeDemoConfig(work, baseAndFineTuned);
    const r = await runCli(['run', '--config', config, '--out', join(work, 'baseline'), '--progress', 'none'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    baseline = join(work, 'baseline', 'run.json');
  });

  it('passes when the retrain used the same data, every time', async () => {
    for (const attempt of [1, 2]) {
      const out = join(work, `same-${attempt}`);
      const r = await runCli(['run', '--config', join(work, 'ftrag.yaml'), '--out', out, '--baseline', baseline, '--progress', 'none'], { cwd: work });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readFileSync(join(out, 'gate.md'), 'utf8')).toMatch(/pass/i);
    }
    const gate = await runCli(['gate', '--baseline', baseline, '--current', join(work, 'same-1', 'run.json')], { cwd: work });
    expect(gate.code).toBe(0);
  });

  it('fails when the retrain used shuffled completions, and still writes every report', async () => {
    const worse = tempDir();
    const config = writeDemoConfig(worse, (c) => {
      baseAndFineTuned(c);
      c.systems[1].training.trainingData = shuffledTrainingData(worse);
      c.emulator.dataDir = join(work, 'emulator-data');
    });
    const out = join(worse, 'out');
    const r = await runCli(['run', '--config', config, '--out', out, '--baseline', baseline, '--progress', 'none'], { cwd: worse });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const f of ['run.json', 'report.html', 'report.md', 'junit.xml', 'gate.md', 'gate-junit.xml']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stdout).toMatch(/FAIL.*no-regression.*fine-tuned/);
    const junit = readFileSync(join(out, 'gate-junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure/);
    // The same verdict from the standalone command, and the items that flipped are listed.
    const gate = await runCli(['gate', '--baseline', baseline, '--current', join(out, 'run.json'), '--json'], { cwd: worse });
    expect(gate.code).toBe(1);
    const report = JSON.parse(gate.stdout);
    expect(report.flips.find((f: { system: string }) => f.system === 'fine-tuned').regressed.length).toBeGreaterThan(5);
  });

  it('refuses to compare runs on different eval sets (exit 2)', async () => {
    const other = tempDir();
    const set = join(other, 'set.jsonl');
    writeFileSync(set, readFileSync(join(DEMO, 'test.jsonl'), 'utf8').split('\n').slice(0, 10).join('\n') + '\n');
    const config = writeDemoConfig(other, (c) => {
      c.systems = [c.systems[0]];
      c.evalSet = set;
    });
    const r = await runCli(['run', '--config', config, '--out', join(other, 'out'), '--progress', 'none'], { cwd: other });
    expect(r.code, r.stderr).toBe(0);
    const gate = await runCli(['gate', '--baseline', baseline, '--current', join(other, 'out', 'run.json')], { cwd: other });
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/sha256|eval set/i);
  });
});
