/**
 * One Bedrock model invocation log record -> the request production was sent and the answer it gave.
 *
 * The record format (schemaType `ModelInvocationLog`, schemaVersion `1.0`) is Bedrock's, as documented in the user
 * guide's "Monitor model invocation using CloudWatch Logs and Amazon S3" page and seen in delivered records:
 * `timestamp, accountId, identity.arn, region, requestId, operation, modelId, errorCode?, input.{inputContentType,
 * inputBodyJson | inputBodyS3Path, inputTokenCount}, output.{outputContentType, outputBodyJson | outputBodyS3Path,
 * outputTokenCount}`. Bodies above the inline limit (about 100 KB) are delivered to S3 and named by `*BodyS3Path`.
 * Converse and ConverseStream log the Converse request; ConverseStream's output is the assembled Converse response
 * (older deliveries: the list of stream events). InvokeModel logs the model-native body; its stream logs the list of
 * decoded chunks. Text in the model-native bodies is read for the families Bedrock serves for text (Nova/Converse
 * messages, Anthropic messages, Titan Text, Llama/Mistral `prompt`).
 */

export type Turn = { role: 'user' | 'assistant'; text: string };

export interface LoggedRequest {
  /** Every turn sent, oldest first; the last one is the user's. */
  messages: Turn[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ProductionAnswer {
  output: string;
  inputTokens?: number;
  outputTokens?: number;
  /** The service's own latency as the response reports it (Converse `metrics.latencyMs`, Invoke `invocationLatency`). */
  latencyMs?: number;
  stopReason?: string;
}

export interface ShadowRecord {
  requestId: string;
  timestamp: string;
  /** Milliseconds since the epoch, from `timestamp`. */
  time: number;
  modelId: string;
  operation: string;
  region?: string;
  request: LoggedRequest;
  production: ProductionAnswer;
  source: { file: string; line: number };
}

/**
 * `requestMetadata` key ftrag puts on its own shadow calls (replays, judge): Bedrock logs every call of the account,
 * so without it a second shadow run would read the first one's replays as production traffic.
 */
export const SHADOW_METADATA_KEY = 'ftrag-shadow';

export const OPERATIONS = ['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Why a record is unusable; `kind` groups the counts. */
export class RecordProblem extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a record is well formed but has no production answer to compare (counted as skipped, not bad). */
export class RecordSkipped extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Bodies delivered to S3 (large-data delivery) are read through this; absent when S3 cannot be reached. */
export type BodyFetcher = (s3Path: string) => Promise<unknown>;

/** The part of a record every filter needs, read without touching its bodies. */
export interface Envelope {
  raw: Obj;
  requestId: string;
  timestamp: string;
  time: number;
  modelId: string;
  operation: string;
  region?: string;
}

export function parseEnvelope(raw: unknown): Envelope {
  if (!isObj(raw)) throw new RecordProblem('not-an-object', 'not a JSON object');
  if (raw.schemaType !== 'ModelInvocationLog') throw new RecordProblem('not-invocation-log', `schemaType is ${JSON.stringify(raw.schemaType)}, not "ModelInvocationLog"`);
  const requestId = str(raw.requestId);
  if (!requestId) throw new RecordProblem('missing-field', 'field "requestId" is missing');
  const modelId = str(raw.modelId);
  if (!modelId) throw new RecordProblem('missing-field', 'field "modelId" is missing');
  const timestamp = str(raw.timestamp);
  const time = timestamp ? Date.parse(timestamp) : NaN;
  if (!timestamp || !Number.isFinite(time)) throw new RecordProblem('bad-timestamp', `field "timestamp" is not an ISO 8601 time: ${JSON.stringify(raw.timestamp)}`);
  const operation = str(raw.operation) ?? '';
  if (!(OPERATIONS as readonly string[]).includes(operation)) throw new RecordProblem('unknown-operation', `operation ${JSON.stringify(raw.operation)} is not one of ${OPERATIONS.join(', ')}`);
  const env = { raw, requestId, timestamp, time, modelId, operation, ...(str(raw.region) ? { region: str(raw.region) } : {}) };
  const body = isObj(raw.input) && isObj(raw.input.inputBodyJson) ? raw.input.inputBodyJson : {};
  const tags = [raw.requestMetadata, body.requestMetadata].find((m) => isObj(m) && typeof m[SHADOW_METADATA_KEY] === 'string') as Obj | undefined;
  if (tags) throw new RecordSkipped('ftrag-shadow-call', `ftrag's own shadow ${String(tags[SHADOW_METADATA_KEY])} call, not production traffic`);
  return env;
}

export async function parseRecord(raw: unknown, source: { file: string; line: number }, fetchBody?: BodyFetcher): Promise<ShadowRecord> {
  return parseBodies(parseEnvelope(raw), source, fetchBody);
}

/** The request and production's answer of a record whose envelope passed the filters. */
export async function parseBodies(env: Envelope, source: { file: string; line: number }, fetchBody?: BodyFetcher): Promise<ShadowRecord> {
  const { raw, operation } = env;
  if (raw.errorCode !== undefined && raw.errorCode !== null) throw new RecordSkipped('production-error', `production call failed (${String(raw.errorCode)})`);
  const input = isObj(raw.input) ? raw.input : undefined;
  const output = isObj(raw.output) ? raw.output : undefined;
  if (!input) throw new RecordProblem('missing-field', 'field "input" is missing');
  if (!output) throw new RecordSkipped('no-output', 'no "output" (the call did not complete)');
  const inBody = await bodyOf(input, 'input', fetchBody);
  const outBody = await bodyOf(output, 'output', fetchBody);
  if (isObj(outBody) && (Array.isArray(outBody.embedding) || Array.isArray(outBody.embeddings))) throw new RecordSkipped('embedding', 'an embedding call: no text answer to compare');
  const converse = operation === 'Converse' || operation === 'ConverseStream';
  const request = converse ? converseRequest(inBody) : nativeRequest(inBody);
  const answer = converse ? converseAnswer(outBody) : nativeAnswer(outBody);
  if (answer.output === undefined) throw new RecordProblem('no-output-text', 'field "output.outputBodyJson" holds no text answer');
  const production: ProductionAnswer = {
    output: answer.output,
    ...(num(input.inputTokenCount) !== undefined ? { inputTokens: num(input.inputTokenCount) } : answer.inputTokens !== undefined ? { inputTokens: answer.inputTokens } : {}),
    ...(num(output.outputTokenCount) !== undefined ? { outputTokens: num(output.outputTokenCount) } : answer.outputTokens !== undefined ? { outputTokens: answer.outputTokens } : {}),
    ...(answer.latencyMs !== undefined ? { latencyMs: answer.latencyMs } : {}),
    ...(answer.stopReason ? { stopReason: answer.stopReason } : {}),
  };
  const { raw: _raw, ...meta } = env;
  return { ...meta, request, production, source };
}

async function bodyOf(part: Obj, side: 'input' | 'output', fetchBody?: BodyFetcher): Promise<unknown> {
  const inline = part[`${side}BodyJson`];
  if (inline !== undefined && inline !== null) return inline;
  const path = str(part[`${side}BodyS3Path`]);
  if (!path) throw new RecordProblem('missing-field', `field "${side}.${side}BodyJson" is missing`);
  if (!fetchBody) throw new RecordProblem('body-unreadable', `body delivered to ${path}, which cannot be read from here`);
  try {
    return await fetchBody(path);
  } catch (err) {
    throw new RecordProblem('body-unreadable', `body delivered to ${path} could not be read: ${(err as Error).message}`);
  }
}

function textOfBlocks(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter(isObj).map((b) => str(b.text)).filter((t): t is string => t !== undefined);
  return texts.length ? texts.join('') : undefined;
}

function turnsOf(messages: unknown, field: string): Turn[] {
  if (!Array.isArray(messages) || messages.length === 0) throw new RecordProblem('no-prompt-text', `field "${field}" has no messages`);
  const turns: Turn[] = [];
  for (const m of messages) {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) throw new RecordProblem('bad-request', `field "${field}" has a message without role user or assistant`);
    turns.push({ role: m.role, text: textOfBlocks(m.content) ?? '' });
  }
  const last = turns[turns.length - 1];
  if (last.role !== 'user' || last.text.trim() === '') throw new RecordProblem('no-prompt-text', `field "${field}" does not end with a user turn that has text (images, documents and tool results are not replayed)`);
  return turns;
}

function systemOf(system: unknown): string | undefined {
  if (typeof system === 'string') return system || undefined;
  return textOfBlocks(system) || undefined;
}

function inferenceOf(cfg: unknown, names: { maxTokens: string; temperature: string; topP: string; stop: string }): Omit<LoggedRequest, 'messages' | 'system'> {
  if (!isObj(cfg)) return {};
  const stop = Array.isArray(cfg[names.stop]) ? (cfg[names.stop] as unknown[]).filter((s): s is string => typeof s === 'string' && s.length > 0) : undefined;
  return {
    ...(num(cfg[names.maxTokens]) !== undefined ? { maxTokens: num(cfg[names.maxTokens]) } : {}),
    ...(num(cfg[names.temperature]) !== undefined ? { temperature: num(cfg[names.temperature]) } : {}),
    ...(num(cfg[names.topP]) !== undefined ? { topP: num(cfg[names.topP]) } : {}),
    ...(stop?.length ? { stopSequences: stop } : {}),
  };
}

const CONVERSE_NAMES = { maxTokens: 'maxTokens', temperature: 'temperature', topP: 'topP', stop: 'stopSequences' };

function converseRequest(body: unknown): LoggedRequest {
  if (!isObj(body)) throw new RecordProblem('bad-request', 'field "input.inputBodyJson" is not a Converse request object');
  const system = systemOf(body.system);
  return { messages: turnsOf(body.messages, 'input.inputBodyJson.messages'), ...(system ? { system } : {}), ...inferenceOf(body.inferenceConfig, CONVERSE_NAMES) };
}

/** Model-native InvokeModel bodies of the text families. */
function nativeRequest(body: unknown): LoggedRequest {
  if (!isObj(body)) throw new RecordProblem('bad-request', 'field "input.inputBodyJson" is not a JSON object');
  if (Array.isArray(body.messages)) {
    // Nova (inferenceConfig with max_new_tokens) or Anthropic messages (anthropic_version, max_tokens, top-level knobs).
    const nova = isObj(body.inferenceConfig);
    const knobs = nova
      ? inferenceOf(body.inferenceConfig, { maxTokens: 'max_new_tokens', temperature: 'temperature', topP: 'topP', stop: 'stopSequences' })
      : inferenceOf(body, { maxTokens: 'max_tokens', temperature: 'temperature', topP: 'top_p', stop: 'stop_sequences' });
    const system = systemOf(body.system);
    return { messages: turnsOf(body.messages, 'input.inputBodyJson.messages'), ...(system ? { system } : {}), ...knobs };
  }
  const prompt = str(body.inputText) ?? str(body.prompt);
  if (!prompt || !prompt.trim()) throw new RecordProblem('no-prompt-text', 'field "input.inputBodyJson" has no messages, inputText or prompt');
  const knobs = body.inputText !== undefined
    ? inferenceOf(body.textGenerationConfig, { maxTokens: 'maxTokenCount', temperature: 'temperature', topP: 'topP', stop: 'stopSequences' })
    : inferenceOf(body, { maxTokens: body.max_gen_len !== undefined ? 'max_gen_len' : 'max_tokens', temperature: 'temperature', topP: 'top_p', stop: 'stop' });
  return { messages: [{ role: 'user', text: prompt }], ...knobs };
}

interface AnswerParts {
  output?: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  stopReason?: string;
}

function converseAnswer(body: unknown): AnswerParts {
  if (Array.isArray(body)) {
    // A list of ConverseStream events: messageStart, contentBlockDelta..., messageStop, metadata.
    const parts: string[] = [];
    const out: AnswerParts = {};
    for (const e of body.filter(isObj)) {
      const delta = isObj(e.contentBlockDelta) && isObj(e.contentBlockDelta.delta) ? str(e.contentBlockDelta.delta.text) : undefined;
      if (delta !== undefined) parts.push(delta);
      if (isObj(e.messageStop)) out.stopReason = str(e.messageStop.stopReason);
      if (isObj(e.metadata)) Object.assign(out, usageOf(e.metadata));
    }
    return { ...out, output: parts.length || out.stopReason ? parts.join('') : undefined };
  }
  if (!isObj(body)) return {};
  const message = isObj(body.output) && isObj(body.output.message) ? body.output.message : undefined;
  return { output: message ? (textOfBlocks(message.content) ?? '') : undefined, stopReason: str(body.stopReason), ...usageOf(body) };
}

function usageOf(o: Obj): AnswerParts {
  const usage = isObj(o.usage) ? o.usage : {};
  const metrics = isObj(o.metrics) ? o.metrics : {};
  return {
    ...(num(usage.inputTokens) !== undefined ? { inputTokens: num(usage.inputTokens) } : {}),
    ...(num(usage.outputTokens) !== undefined ? { outputTokens: num(usage.outputTokens) } : {}),
    ...(num(metrics.latencyMs) !== undefined ? { latencyMs: num(metrics.latencyMs) } : {}),
  };
}

/** Text of one model-native response body or stream chunk, per family. */
function nativeText(o: Obj): string | undefined {
  if (isObj(o.output) && isObj(o.output.message)) return textOfBlocks(o.output.message.content); // Nova
  if (o.type === 'message' && Array.isArray(o.content)) return textOfBlocks(o.content); // Anthropic
  if (Array.isArray(o.results)) return o.results.filter(isObj).map((r) => str(r.outputText) ?? '').join(''); // Titan
  if (typeof o.generation === 'string') return o.generation; // Llama
  if (Array.isArray(o.outputs)) return o.outputs.filter(isObj).map((r) => str(r.text) ?? '').join(''); // Mistral
  if (typeof o.completion === 'string') return o.completion; // Anthropic text completions
  if (typeof o.outputText === 'string') return o.outputText; // Titan stream chunk
  if (isObj(o.delta) && typeof o.delta.text === 'string') return o.delta.text; // Anthropic content_block_delta
  if (isObj(o.contentBlockDelta) && isObj(o.contentBlockDelta.delta)) return str(o.contentBlockDelta.delta.text); // Nova stream
  return undefined;
}

function nativeAnswer(body: unknown): AnswerParts {
  const chunks = Array.isArray(body) ? body.filter(isObj) : isObj(body) ? [body] : [];
  const parts: string[] = [];
  const out: AnswerParts = {};
  for (const c of chunks) {
    const t = nativeText(c);
    if (t !== undefined) parts.push(t);
    const m = c['amazon-bedrock-invocationMetrics'];
    if (isObj(m) && num(m.invocationLatency) !== undefined) out.latencyMs = num(m.invocationLatency);
    const reason = str(c.stopReason) ?? str(c.stop_reason) ?? (Array.isArray(c.results) && isObj(c.results[0]) ? str(c.results[0].completionReason) : undefined);
    if (reason) out.stopReason = reason;
  }
  return { ...out, output: parts.length ? parts.join('') : undefined };
}
