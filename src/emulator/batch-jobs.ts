/**
 * Batch inference: CreateModelInvocationJob / GetModelInvocationJob / ListModelInvocationJobs / StopModelInvocationJob.
 * Reads JSONL records `{recordId, modelInput}` from the emulator's S3 (one file or every .jsonl under a prefix), runs
 * each through the model (model-native InvokeModel bodies, or Converse bodies when modelInvocationType is Converse),
 * and writes `{output}/{jobId}/{file}.out` plus `manifest.json.out`, as Bedrock does.
 */
import { isEmbeddingModel } from './catalog.js';
import { ACCOUNT_ID, requireTextModel, resolveRuntimeModel } from './context.js';
import type { EmulatorContext, ResolvedModel } from './context.js';
import { checkContextWindow, converseReply } from './converse-reply.js';
import { nativeResponse, parseNativeBody } from './invoke-native.js';
import { ApiError, conflict, notFound, nowIso, optNumber, optString, parseJsonObject, readBody, reqObject, reqString, sendJson, validation } from './http-util.js';
import { countTokens, embedText, generate } from './model-port.js';
import { hashId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';
import { joinS3Uri, parseS3Uri, S3Error } from './s3-store.js';
import { paginate } from './knowledge-bases.js';

/** Bedrock's minimum batch size for Nova, Llama 3.x and Titan embeddings (reference/bedrock.md §3). */
export const MIN_BATCH_RECORDS = 100;

export interface InvocationJobRecord {
  jobId: string;
  jobArn: string;
  jobName: string;
  modelId: string;
  roleArn: string;
  modelInvocationType: 'InvokeModel' | 'Converse';
  inputDataConfig: { s3InputDataConfig: { s3Uri: string; s3InputFormat?: string } };
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string } };
  timeoutDurationInHours: number;
  status: 'Submitted' | 'InProgress' | 'Completed' | 'PartiallyCompleted' | 'Failed' | 'Stopping' | 'Stopped';
  message?: string;
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
}

/** Runs one model-native InvokeModel body and shapes the result like the model family's native response. */
function invokeNative(ctx: EmulatorContext, r: ResolvedModel, input: Record<string, unknown>, id: string): unknown {
  if (isEmbeddingModel(r.base)) {
    if (typeof input.inputText !== 'string' || !input.inputText) throw validation('inputText is required.');
    const dims = (input.dimensions ?? 1024) as 256 | 512 | 1024;
    if (![256, 512, 1024].includes(dims)) throw validation('dimensions must be 256, 512 or 1024.');
    return { embedding: embedText(input.inputText, { dimensions: dims, normalize: input.normalize !== false }), inputTextTokenCount: countTokens(input.inputText) };
  }
  const req = parseNativeBody(input, r.base);
  checkContextWindow(req.inputTokens, r);
  const res = generate({ system: req.system, messages: req.messages, maxTokens: req.maxTokens, stopSequences: req.stopSequences, customModel: r.customModel, seed: ctx.seed });
  return nativeResponse(req, res, r.base, hashId(24, ctx.seed, 'batch', id, req.inputTokens, res.text));
}

function invokeConverse(ctx: EmulatorContext, r: ResolvedModel, input: Record<string, unknown>, n: number): unknown {
  const reply = converseReply(ctx, requireTextModel(r), input, n, false);
  return { output: { message: { role: 'assistant', content: reply.content } }, stopReason: reply.stopReason, usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens } };
}

function inputFiles(ctx: EmulatorContext, uri: string): { uri: string; name: string }[] {
  const { bucket, key } = parseS3Uri(uri);
  if (key && !key.endsWith('/')) return [{ uri, name: key.split('/').pop()! }];
  return ctx.s3
    .list(bucket, key)
    .filter((o) => o.key.endsWith('.jsonl'))
    .map((o) => ({ uri: `s3://${bucket}/${o.key}`, name: o.key.slice(key.length).replace(/\//g, '_') }));
}

async function runBatch(ctx: EmulatorContext, job: InvocationJobRecord): Promise<void> {
  const update = (patch: Partial<InvocationJobRecord>): void => {
    job = { ...job, ...patch, lastModifiedTime: nowIso() };
    ctx.store.put('invocationJobs', job.jobId, job);
  };
  await new Promise((resolve) => setImmediate(resolve));
  try {
    const resolved = resolveRuntimeModel(ctx, job.modelId);
    const files = inputFiles(ctx, job.inputDataConfig.s3InputDataConfig.s3Uri);
    if (files.length === 0) throw new Error(`No .jsonl input found at ${job.inputDataConfig.s3InputDataConfig.s3Uri}.`);
    const parsed = files.map((f) => ({ ...f, lines: ctx.s3.readUri(f.uri).toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '') }));
    const total = parsed.reduce((n, f) => n + f.lines.length, 0);
    if (total < MIN_BATCH_RECORDS) throw new Error(`Batch inference needs at least ${MIN_BATCH_RECORDS} records; the input has ${total}.`);
    update({ status: 'InProgress', totalRecordCount: total, processedRecordCount: 0, successRecordCount: 0, errorRecordCount: 0 });
    const outPrefix = joinS3Uri(job.outputDataConfig.s3OutputDataConfig.s3Uri, job.jobId);
    let ok = 0;
    let failed = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    let lastYield = performance.now();
    for (const f of parsed) {
      const out: string[] = [];
      for (const [i, line] of f.lines.entries()) {
        // Batches can be large: give the event loop back regularly so the server keeps answering.
        if (performance.now() - lastYield > 10) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        let rec: Record<string, unknown> = {};
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
          if (!rec || typeof rec !== 'object' || !rec.modelInput || typeof rec.modelInput !== 'object') throw validation(`line ${i + 1}: expected {"recordId", "modelInput": {...}}`);
          const input = rec.modelInput as Record<string, unknown>;
          const modelOutput = job.modelInvocationType === 'Converse' ? invokeConverse(ctx, resolved, input, i) : invokeNative(ctx, resolved, input, String(rec.recordId ?? i));
          const u = (modelOutput as { usage?: Record<string, number> }).usage;
          inputTokens += u?.inputTokens ?? u?.input_tokens ?? (modelOutput as Record<string, number>).prompt_token_count ?? (modelOutput as Record<string, number>).inputTextTokenCount ?? 0;
          outputTokens += u?.outputTokens ?? u?.output_tokens ?? (modelOutput as Record<string, number>).generation_token_count ?? 0;
          out.push(JSON.stringify({ recordId: rec.recordId, modelInput: input, modelOutput }));
          ok++;
        } catch (err) {
          const code = err instanceof ApiError ? err.status : 400;
          out.push(JSON.stringify({ recordId: rec.recordId, modelInput: rec.modelInput, error: { errorCode: code, errorMessage: (err as Error).message } }));
          failed++;
        }
      }
      ctx.s3.writeUri(joinS3Uri(outPrefix, `${f.name}.out`), `${out.join('\n')}\n`);
      update({ processedRecordCount: ok + failed, successRecordCount: ok, errorRecordCount: failed });
    }
    ctx.s3.writeUri(
      joinS3Uri(outPrefix, 'manifest.json.out'),
      JSON.stringify({ totalRecordCount: total, processedRecordCount: ok + failed, successRecordCount: ok, errorRecordCount: failed, inputTokenCount: inputTokens, outputTokenCount: outputTokens }),
    );
    update({ status: failed === 0 ? 'Completed' : ok === 0 ? 'Failed' : 'PartiallyCompleted', endTime: nowIso(), ...(ok === 0 ? { message: 'Every record failed; see the .out files.' } : {}) });
  } catch (err) {
    const message = err instanceof S3Error || err instanceof ApiError || err instanceof Error ? err.message : String(err);
    update({ status: 'Failed', message, endTime: nowIso() });
  }
}

async function createInvocationJob(a: RouteArgs): Promise<void> {
  const ctx = a.ctx;
  const body = parseJsonObject(await readBody(a.req));
  const jobName = reqString(body, 'jobName');
  const roleArn = reqString(body, 'roleArn');
  const modelId = reqString(body, 'modelId');
  resolveRuntimeModel(ctx, modelId);
  const input = reqObject(reqObject(body, 'inputDataConfig'), 's3InputDataConfig', 'inputDataConfig.s3InputDataConfig');
  const inputUri = reqString(input, 's3Uri', 'inputDataConfig.s3InputDataConfig.s3Uri');
  const format = optString(input, 's3InputFormat', 'inputDataConfig.s3InputDataConfig.s3InputFormat');
  if (format !== undefined && format !== 'JSONL') throw validation('s3InputFormat must be JSONL.');
  const output = reqObject(reqObject(body, 'outputDataConfig'), 's3OutputDataConfig', 'outputDataConfig.s3OutputDataConfig');
  const outputUri = reqString(output, 's3Uri', 'outputDataConfig.s3OutputDataConfig.s3Uri');
  for (const uri of [inputUri, outputUri]) {
    try {
      parseS3Uri(uri);
    } catch (err) {
      throw validation((err as Error).message);
    }
  }
  const type = optString(body, 'modelInvocationType') ?? 'InvokeModel';
  if (type !== 'InvokeModel' && type !== 'Converse') throw validation('modelInvocationType must be InvokeModel or Converse.');
  const timeout = optNumber(body, 'timeoutDurationInHours', 24, 168) ?? 24;
  if (ctx.store.all<InvocationJobRecord>('invocationJobs').some((j) => j.jobName === jobName)) throw conflict(`A batch inference job named ${jobName} already exists.`);
  const jobId = hashId(12, ctx.seed, 'batch', ctx.store.next('invocationJob'), jobName);
  const now = nowIso();
  const job: InvocationJobRecord = {
    jobId,
    jobArn: `arn:aws:bedrock:${ctx.region}:${ACCOUNT_ID}:model-invocation-job/${jobId}`,
    jobName,
    modelId,
    roleArn,
    modelInvocationType: type,
    inputDataConfig: { s3InputDataConfig: { s3Uri: inputUri, ...(format ? { s3InputFormat: format } : {}) } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: outputUri } },
    timeoutDurationInHours: timeout,
    status: 'Submitted',
    submitTime: now,
    lastModifiedTime: now,
  };
  ctx.store.put('invocationJobs', jobId, job);
  const work = runBatch(ctx, job);
  ctx.background.add(work);
  void work.finally(() => ctx.background.delete(work));
  sendJson(a.res, 200, { jobArn: job.jobArn });
}

function findInvocationJob(ctx: EmulatorContext, ident: string): InvocationJobRecord {
  const job = ctx.store.all<InvocationJobRecord>('invocationJobs').find((j) => j.jobArn === ident || j.jobId === ident || j.jobName === ident);
  if (!job) throw notFound(`Batch inference job ${ident} was not found.`);
  return job;
}

const view = (j: InvocationJobRecord): Record<string, unknown> => {
  const { jobId: _id, ...rest } = j;
  return rest;
};

async function getInvocationJob(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, view(findInvocationJob(a.ctx, a.params.jobIdentifier)));
}

async function listInvocationJobs(a: RouteArgs): Promise<void> {
  const q = a.url.searchParams;
  const status = q.get('statusEquals');
  const all = a.ctx.store
    .all<InvocationJobRecord>('invocationJobs')
    .filter((j) => !status || j.status === status)
    .sort((x, y) => y.submitTime.localeCompare(x.submitTime));
  const { page, nextToken } = paginate(all, { maxResults: q.get('maxResults') === null ? undefined : Number(q.get('maxResults')), nextToken: q.get('nextToken') ?? undefined });
  sendJson(a.res, 200, { invocationJobSummaries: page.map(view), nextToken });
}

/** Batch jobs interrupted by a restart cannot resume. */
export function failInterruptedBatchJobs(ctx: EmulatorContext): void {
  for (const j of ctx.store.all<InvocationJobRecord>('invocationJobs')) {
    if (j.status === 'Submitted' || j.status === 'InProgress' || j.status === 'Stopping') {
      ctx.store.put('invocationJobs', j.jobId, { ...j, status: 'Failed', message: 'The emulator restarted while this job was running; submit it again.', endTime: nowIso(), lastModifiedTime: nowIso() });
    }
  }
}

const c = controlRoute;

export const batchRoutes: Route[] = [
  c('POST', '/model-invocation-job', createInvocationJob),
  c('GET', '/model-invocation-jobs', listInvocationJobs),
  c('GET', '/model-invocation-job/{jobIdentifier}', getInvocationJob),
];
