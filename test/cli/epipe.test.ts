import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../e2e/cli.js';

describe('ftrag output into a pipe that closes early (`ftrag ... | head`)', () => {
  it('stops quietly with exit 0 instead of dying on EPIPE', async () => {
    const dir = tempDir('ftrag-epipe-');
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ prompt: `q${i}`, completion: 'a' })).join('\n'));
    const child = spawn(process.execPath, [BIN, 'data', 'validate', file, '--model', 'amazon.nova-micro-v1:0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `head -c 100`: read the first chunk, then close the read end.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  }, 120_000);
});
