import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

const baseOnly = (c: Record<string, any>) => {
  c.systems = c.systems.filter((s: { id: string }) => s.id === 'base');
};

describe('run folders: one writer, no mixed resumes, nothing overwritten', () => {
  const dir = tempDir('ftrag-folder-');
  const config = writeDemoConfig(dir, baseOnly);
  const out = join(dir, 'out');

  it('a finished run folder refuses a new --out, a locked folder refuses a resumer, a changed config refuses --resume', async () => {
    const first = await runCli(['run', '--config', config, '--out', out, '--limit', '3'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(join(out, 'run.json'), 'utf8');

    const again = await runCli(['run', '--config', config, '--out', out, '--limit', '3'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds ftrag output \(run\.json, report\.html/);
    expect(readFileSync(join(out, 'run.json'), 'utf8')).toBe(before);

    // A live holder (this test process) keeps a second writer out; its pid is named.
    writeFileSync(join(out, '.ftrag.lock'), JSON.stringify({ pid: process.pid, startedAt: 'now' }));
    const locked = await runCli(['run', '--resume', out], { cwd: dir });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain(`pid ${process.pid}`);

    // A dead holder's lock is taken over.
    writeFileSync(join(out, '.ftrag.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 'then' }));
    const stale = await runCli(['run', '--resume', out], { cwd: dir });
    expect(stale.code, stale.stderr).toBe(0);

    const edited = parse(readFileSync(config, 'utf8'));
    edited.inference.maxTokens = 64;
    edited.systems[0].modelId = 'amazon.nova-lite-v1:0';
    writeFileSync(config, stringify(edited));
    const changed = await runCli(['run', '--resume', out], { cwd: dir });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/the config changed since this run started \(systems\.0\.modelId, inference\.maxTokens\)/);
  }, 240_000);

  it('--out refuses a folder holding a copied baseline (run.json without a journal)', async () => {
    const copy = join(dir, 'baseline');
    const r0 = await runCli(['run', '--config', writeDemoConfig(dir, baseOnly, 'b.yaml'), '--out', join(dir, 'b0'), '--limit', '2'], { cwd: dir });
    expect(r0.code, r0.stderr).toBe(0);
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(copy);
    copyFileSync(join(dir, 'b0', 'run.json'), join(copy, 'run.json'));
    const r = await runCli(['run', '--config', config, '--out', copy, '--limit', '2'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already holds ftrag output (run.json)');
  }, 240_000);
});

describe('where answers came from', () => {
  it('endpoint aws with AWS_ENDPOINT_URL_* pointing at the emulator is marked, keyed apart and bannered', async () => {
    const dir = tempDir('ftrag-endpoint-');
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), quiet: true, latencyProfile: 'none' });
    try {
      const config = writeDemoConfig(dir, (c) => {
        baseOnly(c);
        c.endpoint = 'aws';
        delete c.emulator;
      });
      const r = await runCli(['run', '--config', config, '--out', join(dir, 'out'), '--limit', '2'], { cwd: dir, env: emu.env });
      expect(r.code, r.stderr).toBe(0);
      const run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
      expect(run.endpoint.emulated).toBe(true);
      expect(run.endpoint.nonAws).toContainEqual({ client: 'runtime', url: emu.url, source: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME' });
      const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
      expect(html).toContain('Not Amazon Bedrock.');
      expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toContain('did not talk to AWS');
    } finally {
      await emu.close();
    }
  }, 240_000);
});
