/**
 * `execution: batch`: a system's whole eval set goes through Bedrock batch inference (CreateModelInvocationJob with
 * Converse bodies) instead of one Converse call per item. The job's output is mapped back to items and served by a
 * replay target, so the runner, the journal, scoring, statistics and reports see the same responses as on demand.
 *
 * Latency: a batch job has no per-request latency. Each record gets the job's wall time divided by its record count,
 * labelled `latencyBasis: 'batch-job-wall-time-per-record'` in the journal: a throughput figure, not a response time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BedrockClient, GetModelInvocationJobCommandOutput } from '@aws-sdk/client-bedrock';
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError, ServiceError } from '../util/errors.js';
import { assignRecordIds, BATCH_MIN_RECORDS, partFileName, splitIntoFiles, type SplitLimits } from './batch-files.js';
import { bucketAndKey, ensureBucket, listKeys, putObjectText, readObjectText } from './batch-s3.js';
import type { DescribedTarget } from './bedrock-model.js';
import { buildConverseInput } from './converse.js';
import type { TargetSpec } from './index.js';
import { toTargetError } from './errors.js';
import { TargetError, type InvokeOptions, type TargetRequest, type TargetResponse } from './types.js';
import { bedrockSdk } from './sdk.js';

export const BATCH_LATENCY_BASIS = 'batch-job-wall-time-per-record';

export type BatchResponse = TargetResponse & { latencyBasis: typeof BATCH_LATENCY_BASIS };
type RecordResult = { ok: true; response: BatchResponse } | { ok: false; code: string; message: string };

export interface BatchLocation {
  /** IAM role Bedrock assumes to read and write the S3 location (required on AWS). */
  roleArn?: string;
  /** Where ftrag writes the input files and Bedrock the output, e.g. `s3://my-bucket/ftrag/` (required on AWS). */
  s3Uri?: string;
}

export interface BatchRunOptions {
  bedrock: BedrockClient;
  s3: S3Client;
  /** One request per item, built exactly as for on-demand calls. */
  requests: readonly TargetRequest[];
  emulated: boolean;
  /** Per system id. */
  locations: Record<string, BatchLocation | undefined>;
  pollMs: number;
  log: (line: string) => void;
  /** Where the recordId -> itemId mapping of each job is kept. */
  workDir?: string;
  limits?: Partial<SplitLimits>;
  timeoutMs?: number;
}

const EMULATOR_ROLE = 'arn:aws:iam::000000000000:role/ftrag-emulator';
const EMULATOR_URI = 's3://ftrag-data/';
const DONE = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);

/**
 * Why a system cannot run as a batch job, or undefined when it can: batch inference serves models only (Converse
 * bodies), needs at least BATCH_MIN_RECORDS records, and on AWS a role and an S3 location.
 */
export function batchRefusal(
  system: { id: string; usesKnowledgeBase: boolean },
  records: number,
  location: { roleArn?: string; s3Uri?: string } | undefined,
  emulated: boolean,
): InputError | undefined {
  const field = `systems.${system.id}.execution`;
  if (system.usesKnowledgeBase) {
    return new InputError(`system "${system.id}" uses a Knowledge Base; batch inference serves models only (Converse bodies): use execution: on-demand`, { field });
  }
  if (records < BATCH_MIN_RECORDS) {
    return new InputError(
      `system "${system.id}" runs as execution: batch, but the eval set has ${records} items; Bedrock batch inference needs at least ${BATCH_MIN_RECORDS} records per job: use execution: on-demand for a set this small`,
      { field },
    );
  }
  if (!emulated && (!location?.roleArn || !location?.s3Uri)) {
    return new InputError('batch inference on AWS needs batch.roleArn and batch.s3Uri (the role Bedrock assumes and where input/output go)', { field: `systems.${system.id}.batch` });
  }
  return undefined;
}

/** Checks every batch system first (so nothing is submitted when one is wrong), then runs their jobs side by side. */
export async function createBatchTargets(specs: readonly TargetSpec[], opts: BatchRunOptions): Promise<Map<string, DescribedTarget>> {
  for (const spec of specs) {
    const refusal = batchRefusal({ id: spec.id, usesKnowledgeBase: spec.type !== 'bedrock-model' }, opts.requests.length, opts.locations[spec.id], opts.emulated);
    if (refusal) throw refusal;
  }
  const targets = await Promise.all(
    specs.map(async (spec) => {
      const results = await runBatchJob(spec as Extract<TargetSpec, { type: 'bedrock-model' }>, opts);
      return [spec.id, replayTarget(spec as Extract<TargetSpec, { type: 'bedrock-model' }>, results)] as const;
    }),
  );
  return new Map(targets);
}

async function runBatchJob(spec: Extract<TargetSpec, { type: 'bedrock-model' }>, opts: BatchRunOptions): Promise<Map<string, RecordResult>> {
  const loc = opts.locations[spec.id];
  const roleArn = loc?.roleArn ?? EMULATOR_ROLE;
  const { bucket, key: basePrefix } = bucketAndKey(loc?.s3Uri ?? EMULATOR_URI);
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  const jobName = `ftrag-${spec.id.replace(/[^A-Za-z0-9-]/g, '-')}`.slice(0, 50) + `-${stamp}`;
  const prefix = `${basePrefix ? basePrefix.replace(/\/?$/, '/') : ''}ftrag-batch/${jobName}/`;

  const recordIds = assignRecordIds(opts.requests.map((r) => r.itemId));
  const itemByRecord = new Map([...recordIds].map(([item, rec]) => [rec, item]));
  const lines = opts.requests.map((r) => {
    const { modelId: _model, ...modelInput } = buildConverseInput({
      modelId: spec.modelId,
      prompt: r.prompt,
      system: r.system ?? spec.inference.system,
      maxTokens: r.maxTokens ?? spec.inference.maxTokens,
      temperature: r.temperature ?? spec.inference.temperature,
    });
    return JSON.stringify({ recordId: recordIds.get(r.itemId), modelInput });
  });
  let files: string[][];
  try {
    files = splitIntoFiles(lines, opts.limits);
  } catch (err) {
    throw new InputError(`system "${spec.id}": ${(err as Error).message}`, { field: `systems.${spec.id}.execution` });
  }
  if (opts.emulated) await ensureBucket(opts.s3, bucket);
  for (const [i, file] of files.entries()) await putObjectText(opts.s3, bucket, `${prefix}input/${partFileName(i)}`, `${file.join('\n')}\n`);
  if (opts.workDir) {
    await mkdir(opts.workDir, { recursive: true });
    await writeFile(join(opts.workDir, `batch-${spec.id}.record-ids.json`), `${JSON.stringify(Object.fromEntries(itemByRecord), null, 1)}\n`);
  }

  const submittedAt = Date.now();
  let created;
  try {
    created = await opts.bedrock.send(
      new bedrockSdk.CreateModelInvocationJobCommand({
        jobName,
        roleArn,
        modelId: spec.modelId,
        modelInvocationType: 'Converse',
        inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${bucket}/${prefix}input/`, s3InputFormat: 'JSONL' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${bucket}/${prefix}output/` } },
      }),
    );
  } catch (err) {
    const name = (err as { name?: string }).name ?? 'Error';
    if (name === 'ValidationException' || name === 'ResourceNotFoundException' || name === 'AccessDeniedException') {
      throw new InputError(`batch job for system "${spec.id}" (${spec.modelId}) was refused: ${name}: ${(err as Error).message}`, { field: `systems.${spec.id}` });
    }
    throw new ServiceError(`CreateModelInvocationJob for system "${spec.id}" failed: ${name}: ${(err as Error).message}`, name, { cause: err });
  }
  const jobArn = created.jobArn!;
  opts.log(`batch: ${spec.id}: ${opts.requests.length} records in ${files.length} file(s), job ${jobArn}`);
  const job = await waitForInvocationJob(opts.bedrock, jobArn, spec.id, opts);
  const wallMs = job.submitTime && job.endTime ? new Date(job.endTime).getTime() - new Date(job.submitTime).getTime() : Date.now() - submittedAt;
  if (job.status !== 'Completed' && job.status !== 'PartiallyCompleted') {
    throw new ServiceError(`batch job ${jobArn} for system "${spec.id}" ended ${job.status}: ${job.message ?? 'no message'}`, 'BatchJobFailed');
  }

  const jobId = jobArn.split('/').pop()!;
  const outPrefix = `${prefix}output/${jobId}/`;
  const keys = await listKeys(opts.s3, bucket, outPrefix);
  const perRecordMs = Math.max(0, wallMs) / opts.requests.length;
  const results = new Map<string, RecordResult>();
  for (const key of keys.filter((k) => k.endsWith('.jsonl.out'))) {
    const text = (await readObjectText(opts.s3, bucket, key)) ?? '';
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const parsed = parseOutputLine(line, perRecordMs);
      const itemId = parsed && itemByRecord.get(parsed.recordId);
      if (parsed && itemId !== undefined) results.set(itemId, parsed.result);
    }
  }
  const manifest = await readObjectText(opts.s3, bucket, `${outPrefix}manifest.json.out`);
  const counts = manifest ? (JSON.parse(manifest) as Record<string, number>) : {};
  opts.log(
    `batch: ${spec.id}: ${job.status}, ${counts.successRecordCount ?? '?'} ok / ${counts.errorRecordCount ?? '?'} failed of ${counts.totalRecordCount ?? opts.requests.length}, ` +
      `${(wallMs / 1000).toFixed(1)} s wall time (${perRecordMs.toFixed(1)} ms per record, reported as each record's latency)`,
  );
  return results;
}

/** One output line -> result. Model output is untrusted: anything malformed becomes a failed record, never a crash. */
export function parseOutputLine(line: string, latencyMs: number): { recordId: string; result: RecordResult } | undefined {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!rec || typeof rec !== 'object' || typeof rec.recordId !== 'string') return undefined;
  const recordId = rec.recordId;
  const error = rec.error as { errorCode?: unknown; errorMessage?: unknown } | undefined;
  if (error && typeof error === 'object') {
    return { recordId, result: { ok: false, code: `Batch${String(error.errorCode ?? 'Error')}`, message: String(error.errorMessage ?? 'the record failed') } };
  }
  const out = rec.modelOutput as { output?: { message?: { content?: unknown } }; usage?: Record<string, unknown>; stopReason?: unknown } | undefined;
  const content = out?.output?.message?.content;
  if (!Array.isArray(content)) return { recordId, result: { ok: false, code: 'BatchMalformedOutput', message: 'the output record has no output.message.content' } };
  const output = content.map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('');
  const u = out?.usage;
  const usage = u && typeof u.inputTokens === 'number' && typeof u.outputTokens === 'number' ? { inputTokens: u.inputTokens, outputTokens: u.outputTokens } : undefined;
  const response: BatchResponse = {
    output,
    latencyMs,
    latencyBasis: BATCH_LATENCY_BASIS,
    ...(usage ? { usage } : {}),
    ...(typeof out?.stopReason === 'string' ? { stopReason: out.stopReason } : {}),
  };
  return { recordId, result: { ok: true, response } };
}

async function waitForInvocationJob(bedrock: BedrockClient, jobArn: string, systemId: string, opts: BatchRunOptions): Promise<GetModelInvocationJobCommandOutput> {
  const deadline = Date.now() + (opts.timeoutMs ?? 72 * 3600_000);
  let last = '';
  for (;;) {
    const job = await bedrock.send(new bedrockSdk.GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const line = `batch: ${systemId}: ${job.status}${job.totalRecordCount ? ` (${job.processedRecordCount ?? 0}/${job.totalRecordCount} records)` : ''}`;
    if (line !== last) opts.log(line);
    last = line;
    if (DONE.has(job.status ?? '')) return job;
    if (Date.now() > deadline) throw new ServiceError(`timed out waiting for batch job ${jobArn} (still ${job.status})`, 'Timeout');
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}

/** Serves the batch job's answers through the Target contract, so the runner journals them like any other. */
function replayTarget(spec: Extract<TargetSpec, { type: 'bedrock-model' }>, results: Map<string, RecordResult>): DescribedTarget {
  return {
    id: spec.id,
    kind: spec.kind,
    modelId: spec.modelId,
    description: { config: { type: 'bedrock-batch', modelId: spec.modelId, inference: spec.inference }, defaultMaxTokens: spec.inference.maxTokens },
    async invoke(request: TargetRequest, { signal }: InvokeOptions): Promise<TargetResponse> {
      // The answers are already here, but a call whose time is up or whose run was cancelled still ends the way
      // every other target's does: Timeout (retryable) or Aborted, never a result.
      if (signal.aborted) throw toTargetError(signal.reason, signal);
      const r = results.get(request.itemId);
      if (!r) throw new TargetError(`the batch job returned no record for item ${request.itemId}`, 'BatchRecordMissing', { retryable: false });
      if (!r.ok) throw new TargetError(r.message, r.code, { retryable: false });
      return r.response;
    },
  };
}
