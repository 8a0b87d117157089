/**
 * Model invocation logging, as Bedrock does it: Put/Get/DeleteModelInvocationLoggingConfiguration
 * (`PUT|GET|DELETE /logging/modelinvocations`, request `{loggingConfig: {s3Config: {bucketName, keyPrefix?},
 * cloudWatchConfig?, textDataDeliveryEnabled, imageDataDeliveryEnabled, embeddingDataDeliveryEnabled, ...}}`, shapes
 * from @aws-sdk/client-bedrock `LoggingConfig`), and, while a configuration with an S3 destination is set, one
 * `ModelInvocationLog` record (schemaVersion 1.0) per runtime call, gzip-compressed JSON lines under
 * `<keyPrefix>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/`. Bodies larger than 100 KB go to
 * a `data/` object named by `inputBodyS3Path`/`outputBodyS3Path` (Bedrock's large-data delivery). The emulator has no
 * CloudWatch Logs, so a configuration must name an S3 destination. The configuration is per Region and survives
 * restarts (it lives in the state store), as Bedrock's account setting does.
 */
import { gzipSync } from 'node:zlib';
import { ACCOUNT_ID, type EmulatorContext } from './context.js';
import { parseJsonObject, readBody, sendJson, validation } from './http-util.js';
import { hashId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';

interface LoggingConfig {
  s3Config?: { bucketName: string; keyPrefix?: string };
  cloudWatchConfig?: { logGroupName: string; roleArn: string; largeDataDeliveryS3Config?: { bucketName: string; keyPrefix?: string } };
  textDataDeliveryEnabled?: boolean;
  imageDataDeliveryEnabled?: boolean;
  embeddingDataDeliveryEnabled?: boolean;
  videoDataDeliveryEnabled?: boolean;
  audioDataDeliveryEnabled?: boolean;
}

const CONFIG_ID = 'model-invocations';
const LOGGING_KEYS = new Set(['s3Config', 'cloudWatchConfig', 'textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled', 'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled']);
/** Bodies above this are delivered as separate objects (Bedrock documents about 100 KB inline). */
export const INLINE_BODY_BYTES = 100 * 1024;
/** Records are flushed to one object per hour folder this often, and when the emulator closes. */
const FLUSH_MS = 1_000;
const FLUSH_RECORDS = 1_000;

function s3Target(v: unknown, field: string): { bucketName: string; keyPrefix?: string } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be a structure`);
  const o = v as Record<string, unknown>;
  if (typeof o.bucketName !== 'string' || !o.bucketName) throw validation(`1 validation error detected: Value at '${field}.bucketName' failed to satisfy constraint: Member must not be null`);
  if (o.keyPrefix !== undefined && typeof o.keyPrefix !== 'string') throw validation(`1 validation error detected: Value at '${field}.keyPrefix' failed to satisfy constraint: Member must be a string`);
  return { bucketName: o.bucketName, ...(typeof o.keyPrefix === 'string' && o.keyPrefix ? { keyPrefix: o.keyPrefix } : {}) };
}

function parseLoggingConfig(ctx: EmulatorContext, body: Record<string, unknown>): LoggingConfig {
  const raw = body.loggingConfig;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw validation("1 validation error detected: Value at 'loggingConfig' failed to satisfy constraint: Member must not be null");
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!LOGGING_KEYS.has(k)) throw validation(`Unknown field loggingConfig.${k}`);
  const cfg: LoggingConfig = {};
  for (const k of ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled', 'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'boolean') throw validation(`1 validation error detected: Value at 'loggingConfig.${k}' failed to satisfy constraint: Member must be a boolean`);
    cfg[k] = o[k] as boolean;
  }
  if (o.s3Config !== undefined) cfg.s3Config = s3Target(o.s3Config, 'loggingConfig.s3Config');
  if (o.cloudWatchConfig !== undefined) {
    const cw = o.cloudWatchConfig as Record<string, unknown>;
    if (!cw || typeof cw !== 'object' || typeof cw.logGroupName !== 'string' || typeof cw.roleArn !== 'string') {
      throw validation("1 validation error detected: Value at 'loggingConfig.cloudWatchConfig' must have logGroupName and roleArn");
    }
    cfg.cloudWatchConfig = {
      logGroupName: cw.logGroupName,
      roleArn: cw.roleArn,
      ...(cw.largeDataDeliveryS3Config !== undefined ? { largeDataDeliveryS3Config: s3Target(cw.largeDataDeliveryS3Config, 'loggingConfig.cloudWatchConfig.largeDataDeliveryS3Config') } : {}),
    };
  }
  if (!cfg.s3Config) throw validation('The emulator delivers invocation logs to S3 only: set loggingConfig.s3Config (it has no CloudWatch Logs).');
  if (!ctx.s3.bucketExists(cfg.s3Config.bucketName)) throw validation(`The S3 bucket ${cfg.s3Config.bucketName} does not exist. Create it before enabling invocation logging.`);
  return cfg;
}

async function putConfig(a: RouteArgs): Promise<void> {
  const cfg = parseLoggingConfig(a.ctx, parseJsonObject(await readBody(a.req)));
  a.ctx.store.put('invocationLogging', CONFIG_ID, cfg);
  sendJson(a.res, 200, {});
}

async function getConfig(a: RouteArgs): Promise<void> {
  const cfg = a.ctx.store.get<LoggingConfig>('invocationLogging', CONFIG_ID);
  sendJson(a.res, 200, cfg ? { loggingConfig: cfg } : {});
}

async function deleteConfig(a: RouteArgs): Promise<void> {
  await flushInvocationLogs(a.ctx);
  a.ctx.store.delete('invocationLogging', CONFIG_ID);
  sendJson(a.res, 200, {});
}

export const invocationLoggingRoutes: Route[] = [
  controlRoute('PUT', '/logging/modelinvocations', putConfig),
  controlRoute('GET', '/logging/modelinvocations', getConfig),
  controlRoute('DELETE', '/logging/modelinvocations', deleteConfig),
];

export interface InvocationDetails {
  operation: 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';
  modelId: string;
  requestId: string;
  inputBody: unknown;
  outputBody: unknown;
  inputTokens?: number;
  outputTokens?: number;
  embedding?: boolean;
}

interface Pending {
  bucket: string;
  folder: string;
  lines: string[];
}

interface Writer {
  pending: Map<string, Pending>;
  timer?: NodeJS.Timeout;
  seq: number;
}

const writers = new WeakMap<EmulatorContext, Writer>();

function writerOf(ctx: EmulatorContext): Writer {
  let w = writers.get(ctx);
  if (!w) writers.set(ctx, (w = { pending: new Map(), seq: 0 }));
  return w;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Records one finished runtime call, when logging is configured. Never throws into the call it logs. */
export function logInvocation(ctx: EmulatorContext, d: InvocationDetails): void {
  const cfg = ctx.store.get<LoggingConfig>('invocationLogging', CONFIG_ID);
  if (!cfg?.s3Config) return;
  try {
    const now = new Date();
    const deliverBodies = d.embedding ? cfg.embeddingDataDeliveryEnabled === true : cfg.textDataDeliveryEnabled !== false;
    const base = `${cfg.s3Config.keyPrefix ? `${cfg.s3Config.keyPrefix.replace(/\/+$/, '')}/` : ''}AWSLogs/${ACCOUNT_ID}/BedrockModelInvocationLogs/${ctx.region}`;
    const folder = `${base}/${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/${pad(now.getUTCHours())}`;
    const body = (side: 'input' | 'output', value: unknown): Record<string, unknown> => {
      if (!deliverBodies) return {};
      const json = JSON.stringify(value);
      if (Buffer.byteLength(json) <= INLINE_BODY_BYTES) return { [`${side}BodyJson`]: value };
      const key = `${folder}/data/${d.requestId}-${side}.json`;
      ctx.s3.put(cfg.s3Config!.bucketName, key, Buffer.from(json));
      return { [`${side}BodyS3Path`]: `s3://${cfg.s3Config!.bucketName}/${key}` };
    };
    const record = {
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      accountId: ACCOUNT_ID,
      identity: { arn: `arn:aws:iam::${ACCOUNT_ID}:user/emulator` },
      region: ctx.region,
      requestId: d.requestId,
      operation: d.operation,
      modelId: d.modelId,
      input: { inputContentType: 'application/json', ...body('input', d.inputBody), ...(d.inputTokens !== undefined ? { inputTokenCount: d.inputTokens } : {}) },
      output: { outputContentType: 'application/json', ...body('output', d.outputBody), ...(d.outputTokens !== undefined ? { outputTokenCount: d.outputTokens } : {}) },
    };
    const w = writerOf(ctx);
    const id = `${cfg.s3Config.bucketName}|${folder}`;
    let p = w.pending.get(id);
    if (!p) w.pending.set(id, (p = { bucket: cfg.s3Config.bucketName, folder, lines: [] }));
    p.lines.push(JSON.stringify(record));
    if (p.lines.length >= FLUSH_RECORDS) flushOne(ctx, w, id);
    else if (!w.timer) {
      w.timer = setTimeout(() => void flushInvocationLogs(ctx), FLUSH_MS);
      w.timer.unref();
    }
  } catch (err) {
    ctx.log(`invocation logging failed: ${(err as Error).message}`);
  }
}

function flushOne(ctx: EmulatorContext, w: Writer, id: string): void {
  const p = w.pending.get(id);
  w.pending.delete(id);
  if (!p || p.lines.length === 0) return;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const key = `${p.folder}/${stamp}_${hashId(16, ctx.seed, 'invocation-log', w.seq++, p.lines.length)}.json.gz`;
  try {
    ctx.s3.put(p.bucket, key, gzipSync(`${p.lines.join('\n')}\n`));
  } catch (err) {
    ctx.log(`invocation log delivery to s3://${p.bucket}/${key} failed: ${(err as Error).message}`);
  }
}

/** Writes every buffered record (called on a timer, by DeleteModelInvocationLoggingConfiguration and on close). */
export async function flushInvocationLogs(ctx: EmulatorContext): Promise<void> {
  const w = writers.get(ctx);
  if (!w) return;
  if (w.timer) clearTimeout(w.timer);
  w.timer = undefined;
  for (const id of [...w.pending.keys()]) flushOne(ctx, w, id);
}
