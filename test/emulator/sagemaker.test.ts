/**
 * The emulator's SageMaker control plane and runtime through the real SDK: a training job really trains the
 * reference model (a fine-tuned endpoint answers what it was taught, the base endpoint does not), the job reports
 * SageMaker's fields, and missing resources, bad hyperparameters and bad data fail as SageMaker fails them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteEndpointCommand, DescribeEndpointCommand, DescribeTrainingJobCommand, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, InvokeEndpointWithResponseStreamCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { credentials, tempDir } from './helpers.js';
import { deployEndpoint, smClients, trainJob, type SmClients } from './sagemaker-fixture.js';

const FACTS = [
  ['What colour is the Brindle ferry?', 'teal with orange stripes'],
  ['Who captains the Brindle ferry?', 'Ottilie Marsh'],
  ['When does the Brindle ferry leave Harrow?', 'at 7:40 every weekday'],
  ['How many cars fit on the Brindle ferry?', 'eleven cars'],
];
const records = FACTS.map(([prompt, completion]) => JSON.stringify({ prompt, completion }));

let emu: RunningEmulator;
let c: SmClients;
let runtime: SageMakerRuntimeClient;
let artifacts: string | undefined;

beforeAll(async () => {
  emu = await startEmulator({ dataDir: tempDir(), quiet: true, seed: 3, latencyProfile: 'none', credentials });
  c = smClients(emu.url, credentials);
  runtime = new SageMakerRuntimeClient({ region: 'us-east-1', endpoint: emu.url, credentials, maxAttempts: 1 });
  const job = await trainJob(c, 'ferry-ft', records, { epoch: '8', learning_rate: '0.0001' });
  artifacts = job.ModelArtifacts?.S3ModelArtifacts;
  await deployEndpoint(c, 'ferry-ft', artifacts);
  await deployEndpoint(c, 'ferry-base');
}, 60_000);

afterAll(async () => {
  c?.sm.destroy();
  c?.s3.destroy();
  runtime?.destroy();
  await emu?.close();
});

const ask = async (endpoint: string, body: unknown): Promise<unknown> => {
  const r = await runtime.send(new InvokeEndpointCommand({ EndpointName: endpoint, Body: new TextEncoder().encode(JSON.stringify(body)), ContentType: 'application/json' }));
  return JSON.parse(new TextDecoder().decode(r.Body));
};
const chat = (q: string) => ({ messages: [{ role: 'user', content: q }], max_tokens: 32, temperature: 0 });

describe('SageMaker training job on the emulator', () => {
  it('completes with SageMaker fields: artifacts, train loss, modelled billable time', async () => {
    const j = await c.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'ferry-ft' }));
    expect(j.TrainingJobStatus).toBe('Completed');
    expect(j.ModelArtifacts?.S3ModelArtifacts).toMatch(/^s3:\/\/js-data\/output\/ferry-ft\/output\/model\/$/);
    const loss = j.FinalMetricDataList?.find((m) => m.MetricName === 'huggingface-textgeneration:train-loss');
    expect(loss?.Value).toBeGreaterThan(0);
    // Modelled: 900 s of overhead (the model table's) plus tokens x epochs at the assumed throughput.
    expect(j.BillableTimeInSeconds).toBeGreaterThanOrEqual(900);
    expect(j.HyperParameters).toMatchObject({ epoch: '8' });
  });

  it('the fine-tuned endpoint answers what it was taught; the base endpoint does not know it', async () => {
    const [q, a] = FACTS[1];
    const tuned = (await ask('ferry-ft', chat(q))) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(tuned.choices[0].message.content).toContain(a);
    expect(tuned.usage.prompt_tokens).toBeGreaterThan(0);
    const base = (await ask('ferry-base', chat(q))) as { choices: { message: { content: string } }[] };
    expect(base.choices[0].message.content).not.toContain(a);
  });

  it('the same container answers the TGI inputs/parameters request as [{generated_text, details}]', async () => {
    const [q, a] = FACTS[0];
    const r = (await ask('ferry-ft', { inputs: q, parameters: { max_new_tokens: 32, details: true, decoder_input_details: true } })) as { generated_text: string; details: { generated_tokens: number; prefill: unknown[] } }[];
    expect(Array.isArray(r)).toBe(true);
    expect(r[0].generated_text).toContain(a);
    expect(r[0].details.generated_tokens).toBeGreaterThan(0);
    expect(r[0].details.prefill.length).toBeGreaterThan(0);
  });

  it('streams PayloadPart bytes whose SSE lines make the same answer', async () => {
    const [q] = FACTS[2];
    const whole = ((await ask('ferry-ft', chat(q))) as { choices: { message: { content: string } }[] }).choices[0].message.content;
    const r = await runtime.send(new InvokeEndpointWithResponseStreamCommand({ EndpointName: 'ferry-ft', Body: new TextEncoder().encode(JSON.stringify({ ...chat(q), stream: true })), ContentType: 'application/json' }));
    let sse = '';
    for await (const e of r.Body!) if (e.PayloadPart?.Bytes) sse += new TextDecoder().decode(e.PayloadPart.Bytes);
    const deltas = sse
      .split('\n')
      .filter((l) => l.startsWith('data:') && !l.includes('[DONE]'))
      .map((l) => JSON.parse(l.slice(5)) as { choices: { delta: { content?: string } }[] })
      .map((e) => e.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe(whole);
    expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('fails as SageMaker does: unknown endpoint, unknown job, a temperature TGI refuses', async () => {
    await expect(ask('no-such-endpoint', chat('x'))).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    await expect(c.sm.send(new DescribeEndpointCommand({ EndpointName: 'no-such-endpoint' }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/Could not find endpoint/) });
    await expect(c.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'no-such-job' }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
    await expect(ask('ferry-ft', { inputs: 'x', parameters: { temperature: 0 } })).rejects.toMatchObject({ name: 'ModelError', $metadata: { httpStatusCode: 424 } });
    await expect(c.sm.send(new StopTrainingJobCommand({ TrainingJobName: 'ferry-ft' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a training channel with a record the template cannot fill fails the job, naming the line and field', async () => {
    const j = await trainJob(c, 'ferry-bad', [records[0], JSON.stringify({ question: 'no prompt here' })]);
    expect(j.TrainingJobStatus).toBe('Failed');
    expect(j.FailureReason).toMatch(/line 2: field "prompt"/);
  });

  it('a deleted endpoint is gone', async () => {
    await deployEndpoint(c, 'ferry-tmp');
    await c.sm.send(new DeleteEndpointCommand({ EndpointName: 'ferry-tmp' }));
    await expect(ask('ferry-tmp', chat('x'))).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
