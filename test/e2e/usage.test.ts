import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

describe('usage errors exit 2 and say what is wrong', () => {
  const dir = tempDir('ftrag-usage-');

  it('--concurrency -1 and --limit abc', async () => {
    const a = await runCli(['run', '--concurrency', '-1'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--concurrency must be a positive integer');
    const b = await runCli(['run', '--limit', 'abc'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--limit must be a number');
  });

  it('--out naming a file', async () => {
    const config = writeDemoConfig(dir);
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runCli(['run', '--config', config, '--out', file, '--limit', '2'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: --out names a file`);
  });

  it('an unknown config key names file, line and the key it resembles', async () => {
    const config = writeDemoConfig(dir, (c) => {
      c.runner = { concurency: 64 };
    }, 'typo.yaml');
    const r = await runCli(['run', '--config', config], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${config.replace(/[.]/g, '\\.')}, line \\d+, field "runner\\.concurency": unknown key "concurency" \\(did you mean "concurrency"\\?\\)`));
  });
});
