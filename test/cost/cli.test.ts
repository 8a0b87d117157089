import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('ftrag cost', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prices a config: table with every volume and break-even lines; --json carries the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ftrag-costcli-'));
    const cfg = join(dir, 'exp.yaml');
    await writeFile(
      cfg,
      [
        'evalSet: test.jsonl',
        'systems:',
        '  - {id: base, kind: base, modelId: amazon.nova-micro-v1:0}',
        '  - {id: pt, kind: fine-tuned, modelId: "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc", pricingModelId: amazon.titan-text-express-v1, serving: {type: provisioned, modelUnits: 2, commitment: 1-month}}',
        'workload: {monthlyQueries: 1000000, horizonMonths: 6}',
      ].join('\n'),
    );
    const text = await runCli(['cost', '--config', cfg, '--volumes', '1e3,1e6']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('monthly @1,000');
    expect(text.out).toContain('monthly @1M');
    expect(text.out).toContain('$27,379.20');
    expect(text.out).toMatch(/pt becomes cheaper than base above 1.45B queries\/month over 6 months/);
    const json = await runCli(['cost', '--config', cfg, '--volumes', '1e3,1e6', '--json']);
    const report = JSON.parse(json.out);
    expect(report.volumes).toEqual([1000, 1_000_000]);
    const pt = report.systems.find((s: { id: string }) => s.id === 'pt');
    expect(pt.cost.monthlyFixedUsd).toBeCloseTo(27379.2 + 1.95, 6);
    expect(pt.curve[1].monthlyUsd).toBeCloseTo(27381.15, 6);
    expect(report.breakEven).toHaveLength(1);
  });

  it('uses the bundled demo config when none is given', async () => {
    const r = await runCli(['cost', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).config).toMatch(/eval-sets\/demo\/experiment\.yaml$/);
  });

  it('exits 2 on bad input', async () => {
    expect((await runCli(['cost', '--volumes', 'lots'])).code).toBe(2);
    const r = await runCli(['cost', '--config', '/nonexistent/exp.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('exp.yaml');
  });
});
