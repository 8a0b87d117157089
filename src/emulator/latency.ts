/**
 * Service-time profile: how long the emulator waits, on top of real compute, before answering. `none` waits nothing;
 * `realistic` uses the per-model defaults below (time to first token + per-output-token time, with small seeded jitter);
 * a FILE is JSON of the same shape as REALISTIC_PROFILE and replaces it (missing models fall back to `default`).
 *
 * What the emulator reports as the service's latency (`metrics.latencyMs`, and the `x-ftrag-service-latency-ms`
 * header on Retrieve / RetrieveAndGenerate) is this modelled time, not its own wall time: the reference model's
 * compute and the host's load are artefacts of the machine running ftrag, not of the modelled service, so the
 * figure is a pure function of (profile, seed, request) and an emulated verdict cannot change with machine load.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../util/errors.js';
import { hashUniform } from './rng.js';

export interface ModelLatency {
  /** Milliseconds before the first output token. */
  ttftMs: number;
  /** Milliseconds per output token after the first. */
  perTokenMs: number;
}

export interface LatencyProfile {
  name: string;
  /** Relative jitter, e.g. 0.1 = each wait is scaled by a seeded factor in [0.9, 1.1]. */
  jitter: number;
  /** Knowledge Base retrieval time added to Retrieve and RetrieveAndGenerate. */
  retrievalMs: number;
  /** Used for models not listed in `models`. */
  default: ModelLatency;
  models: Record<string, ModelLatency>;
}

/** Rough public shape of Bedrock on-demand latency: bigger models start later and stream slower. Not measurements. */
export const REALISTIC_PROFILE: LatencyProfile = {
  name: 'realistic',
  jitter: 0.1,
  retrievalMs: 150,
  default: { ttftMs: 400, perTokenMs: 12 },
  models: {
    'amazon.nova-micro-v1:0': { ttftMs: 300, perTokenMs: 8 },
    'amazon.nova-lite-v1:0': { ttftMs: 350, perTokenMs: 10 },
    'amazon.nova-pro-v1:0': { ttftMs: 500, perTokenMs: 18 },
    'meta.llama3-1-8b-instruct-v1:0': { ttftMs: 350, perTokenMs: 10 },
    'meta.llama3-1-70b-instruct-v1:0': { ttftMs: 650, perTokenMs: 25 },
    'anthropic.claude-3-haiku-20240307-v1:0': { ttftMs: 450, perTokenMs: 9 },
    'amazon.titan-text-express-v1': { ttftMs: 500, perTokenMs: 15 },
    'amazon.titan-embed-text-v2:0': { ttftMs: 40, perTokenMs: 0 },
  },
};

export const NO_LATENCY: LatencyProfile = { name: 'none', jitter: 0, retrievalMs: 0, default: { ttftMs: 0, perTokenMs: 0 }, models: {} };

export function loadLatencyProfile(spec: string | undefined): LatencyProfile {
  if (spec === undefined || spec === 'none') return NO_LATENCY;
  if (spec === 'realistic') return REALISTIC_PROFILE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read latency profile: ${(err as Error).message}`, { file: spec });
  }
  return parseLatencyProfile(raw, spec);
}

function parseModelLatency(v: unknown, file: string, field: string): ModelLatency {
  const o = v as Record<string, unknown>;
  for (const k of ['ttftMs', 'perTokenMs'] as const) {
    if (!o || typeof o[k] !== 'number' || !Number.isFinite(o[k] as number) || (o[k] as number) < 0) {
      throw new InputError('must be a non-negative number', { file, field: `${field}.${k}` });
    }
  }
  return { ttftMs: o.ttftMs as number, perTokenMs: o.perTokenMs as number };
}

export function parseLatencyProfile(raw: unknown, file: string): LatencyProfile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('latency profile must be a JSON object', { file });
  const o = raw as Record<string, unknown>;
  const num = (k: string, def: number, max = Infinity): number => {
    if (o[k] === undefined) return def;
    if (typeof o[k] !== 'number' || (o[k] as number) < 0 || (o[k] as number) > max) throw new InputError(`must be a number between 0 and ${max}`, { file, field: k });
    return o[k] as number;
  };
  const models: Record<string, ModelLatency> = {};
  if (o.models !== undefined) {
    if (!o.models || typeof o.models !== 'object') throw new InputError('must be an object of model id -> {ttftMs, perTokenMs}', { file, field: 'models' });
    for (const [id, v] of Object.entries(o.models as Record<string, unknown>)) models[id] = parseModelLatency(v, file, `models.${id}`);
  }
  return {
    name: file,
    jitter: num('jitter', 0, 1),
    retrievalMs: num('retrievalMs', 0),
    default: o.default === undefined ? REALISTIC_PROFILE.default : parseModelLatency(o.default, file, 'default'),
    models,
  };
}

/**
 * Service time for one call: TTFT and per-token pacing, scaled by a jitter factor drawn from (seed, requestKey).
 * `requestKey` should identify the request by its content (see `requestKeyOf`), not by its arrival order, so the
 * same request gets the same service time however concurrent calls interleave.
 */
export function serviceTime(profile: LatencyProfile, baseModelId: string, seed: number, requestKey: string | number): ModelLatency {
  const m = profile.models[baseModelId] ?? profile.default;
  const factor = 1 + profile.jitter * (2 * hashUniform(seed, 'latency', requestKey) - 1);
  return { ttftMs: m.ttftMs * factor, perTokenMs: m.perTokenMs * factor };
}

/** A request's identity for seeded draws: the operation, the model or KB it addresses and its body. */
export function requestKeyOf(operation: string, target: string, body: unknown): string {
  return `${operation}\u0000${target}\u0000${JSON.stringify(body)}`;
}

/** Modelled time of a whole (unstreamed) generation: first token, then the rest at the per-token pace. */
export function generationMs(t: ModelLatency, outputTokens: number): number {
  return t.ttftMs + Math.max(0, outputTokens - 1) * t.perTokenMs;
}

/** The modelled service latency as the emulator reports it: whole milliseconds, like Bedrock's metrics.latencyMs. */
export function reportedLatencyMs(modelledMs: number): number {
  return Math.round(modelledMs);
}

/** Response header carrying the modelled service time where the Bedrock API has no latency field (Retrieve, RetrieveAndGenerate). */
export const SERVICE_LATENCY_HEADER = 'x-ftrag-service-latency-ms';
