import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, runCli, tempDir, writeDemoConfig } from './cli.js';

// `endpoint: aws` with AWS_ENDPOINT_URL is the existing seam: the config acts as AWS. The refusals happen before any
// call, so the URL is a closed loopback port: a call made by mistake would fail with exit 3, not 2.
const AWS_ENV = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

/** The demo as an AWS user would have it: a training role and bucket, and an existing Knowledge Base. */
function onAws(c: Record<string, any>): void {
  c.endpoint = 'aws';
  for (const s of c.systems) {
    if (s.training) Object.assign(s.training, { roleArn: 'arn:aws:iam::123456789012:role/ftrag-training', dataS3Uri: 's3://my-ftrag-bucket/ftrag/' });
    if (s.knowledgeBase) {
      delete s.knowledgeBase.documents;
      s.knowledgeBase.id = 'KB12345678';
    }
  }
}

describe('pre-flight on AWS', () => {
  it('a config AWS cannot finish fails before anything is created or asked: no training role, or KB documents without an id', async () => {
    const dir = tempDir('ftrag-consent-');
    const noRole = writeDemoConfig(dir, (c) => (c.endpoint = 'aws'), 'no-role.yaml');
    const r = await runCli(['run', '--config', noRole, '--limit', '3', '--yes'], { cwd: dir, env: AWS_ENV });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/training on AWS needs training\.roleArn/);
    expect(r.stderr).toMatch(/no-role\.yaml/);
    const kbDocs = writeDemoConfig(dir, (c) => {
      onAws(c);
      c.systems.find((s: { id: string }) => s.id === 'rag').knowledgeBase = { documents: join(DEMO, 'kb'), mode: 'retrieve-then-converse' };
    }, 'kb-docs.yaml');
    const k = await runCli(['run', '--config', kbDocs, '--limit', '3', '--yes'], { cwd: dir, env: AWS_ENV });
    expect(k.code, k.stderr).toBe(2);
    expect(k.stderr).toMatch(/systems\.rag\.knowledgeBase\.id/);
    const t = await runCli(['train', '--config', noRole, '--system', 'fine-tuned', '--yes'], { cwd: dir, env: AWS_ENV });
    expect(t.code, t.stderr).toBe(2);
    expect(t.stderr).toMatch(/training\.roleArn/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  }, 120_000);
});

describe('consent before spending', () => {
  it('endpoint aws without a TTY and without --yes refuses (exit 2), saying to pass --yes or run ftrag plan', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, onAws);
    const r = await runCli(['run', '--config', config, '--limit', '3'], { cwd: dir, env: AWS_ENV });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(r.stderr).toMatch(/ftrag plan/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    const t = await runCli(['train', '--config', config, '--system', 'fine-tuned'], { cwd: dir, env: AWS_ENV });
    expect(t.code, t.stderr).toBe(2);
    expect(t.stderr).toMatch(/pass --yes/);
  }, 120_000);

  it('an estimate above budget.maxRunUsd refuses with exit 2 even with --yes, naming the estimate and the cap', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, (c) => {
      onAws(c);
      c.budget = { maxRunUsd: 0.000001 };
    });
    const r = await runCli(['run', '--config', config, '--limit', '3', '--yes'], { cwd: dir, env: AWS_ENV });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/estimated cost of this run \(\$\d+\.\d{4}\) is above budget\.maxRunUsd \(\$0\.000001\)/);
  }, 120_000);

  it('the emulator never asks and never refuses (no --yes, a zero budget)', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, (c) => (c.budget = { maxRunUsd: 0 }));
    const r = await runCli(['run', '--config', config, '--limit', '3'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);
});
