/**
 * The account's concurrent customization-job quota: the emulator refuses one job too many like AWS
 * (ServiceQuotaExceededException, HTTP 400, a client fault the SDK does not retry), ftrag's sweep stays within the
 * configured quota, waits out a refusal and retries it without starting a job twice, and `ftrag plan` warns first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateModelCustomizationJobCommand, ListModelCustomizationJobsCommand, StopModelCustomizationJobCommand } from '@aws-sdk/client-bedrock';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config/load.js';
import { planRun, renderPlan } from '../../src/experiment/plan.js';
import { runExperiment } from '../../src/index.js';
import { createAwsClients } from '../../src/targets/clients.js';
import { withQuotaBackoff } from '../../src/training/quota.js';
import { writeFineTuneConfig } from '../fine-tune-config.js';

const demo = fileURLToPath(new URL('../../eval-sets/demo/', import.meta.url));

function sweepConfig(dir: string, extra: string, sweep = '        epochCount: [1, 2, 3]\n        maxConcurrentJobs: 3', data = 'small/'): string {
  return writeFineTuneConfig(dir, { name: `q${Math.random().toString(36).slice(2, 8)}.yaml`, data, sweep, emulator: false, extra });
}

/** Start and end of every job the account ran, in start order. */
async function jobIntervals(endpointUrl: string): Promise<{ start: number; end: number; status: string }[]> {
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl });
  try {
    const page = await clients.bedrock.send(new ListModelCustomizationJobsCommand({}));
    return (page.modelCustomizationJobSummaries ?? [])
      .map((j) => ({ start: j.creationTime!.getTime(), end: (j.endTime ?? new Date()).getTime(), status: j.status! }))
      .sort((a, b) => a.start - b.start);
  } finally {
    clients.destroy();
  }
}

const overlapping = (jobs: { start: number; end: number }[]) => jobs.some((j, i) => i > 0 && j.start < jobs[i - 1].end);

describe('customization-job quota', () => {
  it('the emulator refuses a job beyond the account quota with ServiceQuotaExceededException and takes it once a slot frees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-quota-emu-'));
    const emu = await startEmulator({ dataDir: join(dir, 'emu'), port: 0, quiet: true, latencyProfile: 'none', holdCustomizationJobs: true, customizationJobQuota: 1 });
    const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: 'ftrag-data' }));
      await clients.s3.send(new PutObjectCommand({ Bucket: 'ftrag-data', Key: 'q/training.jsonl', Body: readFileSync(join(demo, 'small/training.jsonl')) }));
      const job = (name: string) =>
        new CreateModelCustomizationJobCommand({
          jobName: name,
          customModelName: `${name}-model`,
          roleArn: 'arn:aws:iam::000000000000:role/ftrag-emulator',
          baseModelIdentifier: 'amazon.nova-micro-v1:0:128k',
          trainingDataConfig: { s3Uri: 's3://ftrag-data/q/training.jsonl' },
          outputDataConfig: { s3Uri: 's3://ftrag-data/q/out/' },
          hyperParameters: { epochCount: '1' },
        });
      const first = await clients.bedrock.send(job('first'));
      const refused = await clients.bedrock.send(job('second')).then(
        () => undefined,
        (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number; attempts?: number }; $fault: string },
      );
      expect(refused?.name).toBe('ServiceQuotaExceededException');
      expect(refused!.$metadata.httpStatusCode).toBe(400);
      expect(refused!.$fault).toBe('client');
      expect(refused!.$metadata.attempts).toBe(1);
      expect(refused!.message).toMatch(/quota of 1 model customization jobs in progress/);
      // Nothing was created by the refusal: the name is still free once the first job is stopped.
      expect((await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries).toHaveLength(1);
      await clients.bedrock.send(new StopModelCustomizationJobCommand({ jobIdentifier: first.jobArn }));
      await expect(clients.bedrock.send(job('second'))).resolves.toMatchObject({ jobArn: expect.stringContaining('model-customization-job') });
    } finally {
      clients.destroy();
      await emu.close();
    }
  });

  it('withQuotaBackoff waits out a quota refusal, retries the same create, and lets any other error through', async () => {
    const quota = Object.assign(new Error('quota'), { name: 'ServiceQuotaExceededException' });
    let calls = 0;
    const logs: string[] = [];
    const arn = await withQuotaBackoff(
      async () => {
        calls++;
        if (calls < 3) throw quota;
        return 'arn:job';
      },
      { pollMs: 1, log: (l) => logs.push(l), what: 'the job' },
    );
    expect(arn).toBe('arn:job');
    expect(calls).toBe(3);
    expect(logs.filter((l) => l.startsWith('quota: the job refused'))).toHaveLength(2);
    // A job the refusal did not hide is attached to instead of created again.
    let creates = 0;
    const attached = await withQuotaBackoff(
      async () => {
        creates++;
        throw quota;
      },
      { pollMs: 1, log: () => undefined, what: 'x', before: async () => 'arn:found' },
    );
    expect([attached, creates]).toEqual(['arn:found', 1]);
    await expect(withQuotaBackoff(async () => Promise.reject(new Error('boom')), { pollMs: 1, log: () => undefined, what: 'x' })).rejects.toThrow('boom');
    await expect(withQuotaBackoff(async () => Promise.reject(quota), { pollMs: 5, log: () => undefined, what: 'x', maxWaitMs: 1 })).rejects.toThrow('quota');
  });

  it('a sweep on an account whose quota is below what ftrag was told waits out any refusal: every point trained once, never two at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-quota-run-'));
    // The account allows 1 job; the config claims 2, so ftrag starts 2 and the second is refused until the first ends.
    const emu = await startEmulator({ dataDir: join(dir, 'emu'), port: 0, quiet: true, latencyProfile: 'none', customizationJobQuota: 1, provisioningDelayMs: 50 });
    try {
      const logs: string[] = [];
      const file = sweepConfig(dir, `endpointUrl: ${emu.url}\nquotas: { concurrentCustomizationJobs: 2 }`, '        epochCount: [3, 4, 5]\n        maxConcurrentJobs: 2', '');
      const outcome = await runExperiment({ config: file, out: join(dir, 'run'), cwd: dir, limit: 2, log: (l: string) => logs.push(l) });
      expect(outcome.exitCode).toBe(0);
      const jobs = await jobIntervals(emu.url);
      expect(jobs.map((j) => j.status)).toEqual(['Completed', 'Completed', 'Completed']);
      expect(overlapping(jobs)).toBe(false);
      // Whether a create was refused depends on how fast the first job trains; when one is, the run waits it out
      // (the log says so) instead of failing, and no point is started twice.
      for (const l of logs.filter((x) => x.startsWith('quota: the customization job for ft refused'))) expect(l).toMatch(/waiting \d+ ms for a slot/);
    } finally {
      await emu.close();
    }
  }, 240_000);

  it('plan warns before anything runs when the sweep asks for more jobs at once than the quota, and the run keeps within it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-quota-plan-'));
    const file = sweepConfig(dir, 'quotas: { concurrentCustomizationJobs: 1 }\nemulator: { latencyProfile: none }');
    const plan = await planRun(await loadConfig(file), {});
    expect(plan.warnings).toEqual([expect.stringMatching(/ft's sweep asks for 3 customization jobs at once \(maxConcurrentJobs 3\) but the account's quota is 1 \(quotas\.concurrentCustomizationJobs\): ftrag runs 1 at a time, 3 points in about 3 rounds/)]);
    expect(renderPlan(plan)).toContain("warning: quota: ft's sweep asks for 3");
    const awsPlan = await planRun(await loadConfig(sweepConfig(dir, 'endpoint: aws\n', '        epochCount: [1, 2]\n        maxConcurrentJobs: 2')), {}).catch((e: Error) => e);
    if (!(awsPlan instanceof Error)) expect(awsPlan.warnings.join('\n')).toMatch(/quota of jobs in progress is not known/);
    const logs: string[] = [];
    const out = join(dir, 'run');
    expect((await runExperiment({ config: file, out, cwd: dir, limit: 2, log: (l: string) => logs.push(l) })).exitCode).toBe(0);
    expect(logs.findIndex((l) => l.startsWith('warning: quota:'))).toBeLessThan(logs.findIndex((l) => l.startsWith('sweep:')));
    // The run's embedded emulator is closed; its account (data dir) is reopened to read the jobs it ran.
    const emu = await startEmulator({ dataDir: join(dir, '.ftrag', 'emulator'), port: 0, quiet: true, latencyProfile: 'none' });
    try {
      const jobs = await jobIntervals(emu.url);
      expect(jobs).toHaveLength(3);
      expect(overlapping(jobs)).toBe(false);
    } finally {
      await emu.close();
    }
  }, 240_000);
});
