/**
 * The bundled JumpStart variant of the demo (eval-sets/demo/jumpstart.yaml) end to end through the built CLI on the
 * emulator: the JumpStart arm trains, serves and is scored beside the Bedrock arms; run.json prices it by the
 * instance-hour with its break-even against them; the report explains the trade-off; `ftrag plan` lists its training
 * job and endpoint, `resources` shows them and `cleanup --yes` deletes the endpoint, its config and model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeEndpointCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { createAwsClients } from '../../src/targets/clients.js';
import { DEMO, runCli, tempDir } from './cli.js';

/** The bundled config with absolute paths, a private emulator data dir and no modelled service time. */
function bundledJumpStart(dir: string, patch: (c: Record<string, any>) => void = () => {}): string {
  const c = parse(readFileSync(join(DEMO, 'jumpstart.yaml'), 'utf8')) as Record<string, any>;
  c.evalSet = join(DEMO, c.evalSet);
  for (const s of c.systems) {
    if (s.training) {
      s.training.trainingData = join(DEMO, s.training.trainingData);
      s.training.validationData = join(DEMO, s.training.validationData);
    }
    if (s.knowledgeBase) s.knowledgeBase.documents = join(DEMO, s.knowledgeBase.documents);
    if (s.sagemaker?.training) {
      s.sagemaker.training.trainingData = join(DEMO, s.sagemaker.training.trainingData);
      s.sagemaker.training.validationData = join(DEMO, s.sagemaker.training.validationData);
    }
  }
  c.emulator = { latencyProfile: 'none', dataDir: join(dir, 'emulator-data') };
  c.runner = { concurrency: 8, cache: false };
  patch(c);
  const file = join(dir, 'ftrag.yaml');
  writeFileSync(file, stringify(c));
  return file;
}

async function endpointGone(dataDir: string, endpoint: string, job: string): Promise<{ endpoint: string; job?: string }> {
  const emu = await startEmulator({ port: 0, dataDir, quiet: true, latencyProfile: 'none' });
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
  try {
    const e = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint })).then(
      (d) => d.EndpointStatus ?? 'unknown',
      (err: { name?: string }) => err.name ?? 'error',
    );
    const j = await clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
    return { endpoint: e, job: j.TrainingJobStatus };
  } finally {
    clients.destroy();
    await emu.close();
  }
}

describe('the JumpStart demo variant', () => {
  it('runs a JumpStart arm beside the Bedrock arms, prices it by the instance-hour, and plan/resources/cleanup cover it', async () => {
    const dir = tempDir('ftrag-jumpstart-');
    const config = bundledJumpStart(dir);

    const plan = await runCli(['plan', '--config', config], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/create\s+jumpstart: SageMaker training job: meta-textgeneration-llama-3-1-8b-instruct on 1 x ml\.g5\.12xlarge/);
    expect(plan.stdout).toMatch(/create\s+jumpstart: SageMaker endpoint: 1 x ml\.g5\.2xlarge: bills every hour/);
    expect(plan.stdout).toMatch(/jumpstart: SageMaker training \(estimated\)\s+\[\d[\d,]* s estimated = [\d.]+ h x 1 x ml\.g5\.12xlarge x \$[\d.]+\/instance-hour/);

    const out = join(dir, 'out');
    const run = await runCli(['run', '--config', config, '--limit', '8', '--out', out], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    const js = result.systems.find((s: { id: string }) => s.id === 'jumpstart');
    expect(js).toMatchObject({ kind: 'fine-tuned', sagemaker: { jumpStartModelId: 'meta-textgeneration-llama-3-1-8b-instruct', containerFormat: 'messages', endpointInstanceType: 'ml.g5.2xlarge' } });
    expect(js.modelId).toMatch(/^arn:aws:sagemaker:us-east-1:\d{12}:endpoint\/ftrag-jumpstart-/);
    expect(js.errors).toBe(0);
    expect(js.metrics.f1.mean).toBeGreaterThan(0);
    // Priced by the instance-hour: training from the job's billable seconds, the endpoint as a monthly floor, no per-query cost.
    const items = js.cost.lines.map((l: { item: string }) => l.item);
    expect(items).toEqual(expect.arrayContaining(['training (SageMaker)', 'endpoint instances', 'model artifact storage (S3)']));
    expect(js.cost.lines.find((l: { item: string }) => l.item === 'training (SageMaker)').basis).toMatch(/s billable \(DescribeTrainingJob\)/);
    expect(js.cost.per1kQueriesUsd).toBe(0);
    expect(js.cost.monthlyFixedUsd).toBeGreaterThan(1000);
    const pairs = result.recommendation.breakEven.filter((b: { a: string; b: string }) => b.a === 'jumpstart' || b.b === 'jumpstart');
    expect(pairs.map((b: { a: string; b: string }) => (b.a === 'jumpstart' ? b.b : b.a)).sort()).toEqual(['base', 'fine-tuned', 'rag']);
    expect(pairs.every((b: { monthlyQueries: number | null }) => b.monthlyQueries === null || b.monthlyQueries > 0)).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Bedrock or SageMaker JumpStart');
    expect(html).toMatch(/a floor of \$[\d,.]+ a month/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/Break-even: .*jumpstart/);

    const listed = await runCli(['resources', '--config', config, '--json'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { kind: string; status: string; id: string; hourlyUsd?: number }[];
    const endpoint = rows.find((r) => r.kind === 'SageMaker endpoint')!;
    const job = rows.find((r) => r.kind === 'SageMaker training job')!;
    expect(endpoint).toMatchObject({ status: 'InService' });
    expect(endpoint.hourlyUsd).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: 'Completed' });
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['SageMaker model', 'SageMaker EndpointConfig']));

    const cleaned = await runCli(['cleanup', '--config', config, '--yes'], { cwd: dir });
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stderr + cleaned.stdout).toMatch(/SageMaker endpoint ftrag-jumpstart-/);
    expect(await endpointGone(join(dir, 'emulator-data'), endpoint.id, job.id)).toEqual({ endpoint: 'ValidationException', job: 'Completed' });
    const again = await runCli(['cleanup', '--config', config, '--yes'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
  }, 240_000);

  it('refuses bad JumpStart input with exit 2, naming file, line and field', async () => {
    const dir = tempDir('ftrag-jumpstart-bad-');
    const unknown = bundledJumpStart(dir, (c) => (c.systems[3].sagemaker.jumpStartModelId = 'meta-textgeneration-llama-9'));
    const r1 = await runCli(['plan', '--config', unknown], { cwd: dir });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/ftrag\.yaml, line \d+, field "systems\.3\.sagemaker\.jumpStartModelId": unknown JumpStart model/);
    const badHp = bundledJumpStart(dir, (c) => (c.systems[3].sagemaker.training.hyperParameters.lora_r = 0));
    const r2 = await runCli(['run', '--config', badHp], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/field "systems\.3\.sagemaker\.training\.hyperParameters\.lora_r": must be within \[1, 1024\]/);
    const mixed = bundledJumpStart(dir, (c) => (c.systems[3].modelId = 'amazon.nova-micro-v1:0'));
    const r3 = await runCli(['plan', '--config', mixed], { cwd: dir });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/field "systems\.3\.modelId": a sagemaker system takes its model/);
    const onAws = bundledJumpStart(dir, (c) => {
      c.endpoint = 'aws';
      delete c.emulator;
      c.systems = [c.systems[3]];
    });
    const r4 = await runCli(['plan', '--config', onAws], { cwd: dir });
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/ftrag\.yaml, line \d+, field "systems\.0\.sagemaker": on endpoint aws a SageMaker system needs sagemaker\.roleArn, sagemaker\.inferenceImageUri, sagemaker\.modelArtifactsUri, sagemaker\.dataS3Uri, sagemaker\.trainingImageUri/);
  }, 120_000);
});
