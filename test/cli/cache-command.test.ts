import { mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../e2e/cli.js';
import { CacheStore } from '../../src/util/cache-store.js';

describe('ftrag cache stats|prune', () => {
  it('reports entries, compacts on prune, and refuses bad flags with exit 2', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ftrag-cache-cli-'));
    const dir = join(cwd, '.ftrag', 'cache');
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    const k = (s: string) => createHash('sha256').update(s).digest('hex');
    store.set(k('a'), { output: 'one' });
    store.set(k('a'), { output: 'one again' });
    store.set(k('b'), { output: 'two' });
    store.close();

    const stats = await runCli(['cache', 'stats', '--json'], { cwd });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout).stores[0]).toMatchObject({ entries: 2, records: 3 });
    const text = await runCli(['cache', 'stats'], { cwd });
    expect(text.stdout).toMatch(/2 entries/);

    const pruned = await runCli(['cache', 'prune', '--json'], { cwd });
    expect(pruned.code).toBe(0);
    expect(JSON.parse(pruned.stdout).after.stores[0]).toMatchObject({ entries: 2, records: 2, reclaimableBytes: 0 });

    const bad = await runCli(['cache', 'prune', '--older-than', 'soon'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--older-than/);
    expect((await runCli(['cache', 'stats', '--max-size', '1MB'], { cwd })).code).toBe(2);
    expect((await runCli(['cache', 'wipe'], { cwd })).code).toBe(2);
  }, 60_000);
});
