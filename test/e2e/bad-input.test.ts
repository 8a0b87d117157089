import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

const onlyBase = (c: Record<string, any>) => {
  c.systems = [{ id: 'base', kind: 'base', modelId: 'amazon.nova-micro-v1:0' }];
};

describe('ftrag run: bad input gets a clear message and exit code 2', () => {
  it('a malformed YAML config names the file and line', async () => {
    const work = tempDir();
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'name: x\nsystems:\n  - id: base\n    kind: [unclosed\n');
    const r = await runCli(['run', '--config', file], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toMatch(/line \d+/);
  });

  it('an invalid field names the field', async () => {
    const work = tempDir();
    const file = writeDemoConfig(work, (c) => {
      onlyBase(c);
      c.systems[0].kind = 'turbo';
    });
    const r = await runCli(['run', '--config', file], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/systems\.0\.kind|systems\[0\]\.kind/);
  });

  it('a malformed eval set names the file and line, and nothing runs', async () => {
    const work = tempDir();
    const set = join(work, 'set.jsonl');
    writeFileSync(set, '{"id":"a","prompt":"q","reference":"r"}\n{"id":"b","prompt": \n');
    const file = writeDemoConfig(work, (c) => {
      onlyBase(c);
      c.evalSet = set;
    });
    const r = await runCli(['run', '--config', file, '--out', join(work, 'out')], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('set.jsonl');
    expect(r.stderr).toMatch(/line 2/);
  });

  it('an unknown model id is refused before the run', async () => {
    const work = tempDir();
    const file = writeDemoConfig(work, (c) => {
      onlyBase(c);
      c.systems[0].modelId = 'amazon.nova-nonexistent-v9:0';
    });
    const r = await runCli(['run', '--config', file, '--limit', '3', '--out', join(work, 'out')], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/base.*amazon\.nova-nonexistent-v9:0/);
  });

  it('a Knowledge Base that does not exist is refused before the run', async () => {
    const work = tempDir();
    const file = writeDemoConfig(work, (c) => {
      c.systems = [{ id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { id: 'NOSUCHKB01' } }];
    });
    const r = await runCli(['run', '--config', file, '--limit', '3', '--out', join(work, 'out')], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NOSUCHKB01|ResourceNotFound/);
  });

  it('endpoint aws without credentials stops at once and says how to fix it', async () => {
    const work = tempDir();
    const file = writeDemoConfig(work, (c) => {
      onlyBase(c);
      c.endpoint = 'aws';
    });
    const r = await runCli(['run', '--config', file, '--limit', '3'], {
      cwd: work,
      env: {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: join(work, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
        AWS_WEB_IDENTITY_TOKEN_FILE: '',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/credentials/i);
  });

  it('an unknown flag is a usage error', async () => {
    const r = await runCli(['run', '--no-such-flag'], { cwd: tempDir() });
    expect(r.code).toBe(2);
  });
});
