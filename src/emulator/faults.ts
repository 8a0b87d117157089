/**
 * Fault injection for data-plane calls (runtime and agent-runtime only). Each request draws from (seed, request
 * sequence number), so a run with the same seed and request order sees the same faults.
 */
import { InputError } from '../util/errors.js';
import { hashUniform } from './rng.js';

export interface FaultRates {
  /** ThrottlingException, HTTP 429. */
  throttle?: number;
  /** InternalServerException, HTTP 500. */
  serverError?: number;
  /** ServiceUnavailableException, HTTP 503. */
  unavailable?: number;
  /** The response is delayed by `slowMs` (default 2,000 ms). */
  slow?: number;
  /** The connection (HTTP/1.1) or stream (HTTP/2) is dropped without a response. */
  reset?: number;
  slowMs?: number;
}

export type FaultDraw = { kind: 'none' | 'throttle' | 'server-error' | 'unavailable' | 'reset'; slowMs: number };

const NAMES: Record<string, keyof FaultRates> = {
  throttle: 'throttle',
  'server-error': 'serverError',
  unavailable: 'unavailable',
  slow: 'slow',
  reset: 'reset',
  'slow-ms': 'slowMs',
};

/** Parses `throttle=0.1,server-error=0.02,slow=0.05,reset=0.01` (also `unavailable=`, `slow-ms=`). */
export function parseFaults(spec: string | FaultRates | undefined): FaultRates {
  if (spec === undefined || spec === '') return {};
  const rates: FaultRates = typeof spec === 'string' ? {} : { ...spec };
  if (typeof spec === 'string') {
    for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [name, value] = part.split('=');
      const key = NAMES[name?.trim() ?? ''];
      if (!key) throw new InputError(`unknown fault "${name}" (expected ${Object.keys(NAMES).join(', ')})`, { field: '--faults' });
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < 0) throw new InputError(`fault "${name}" needs a non-negative number`, { field: '--faults' });
      rates[key] = n;
    }
  }
  for (const k of ['throttle', 'serverError', 'unavailable', 'slow', 'reset'] as const) {
    const v = rates[k];
    if (v !== undefined && (!(v >= 0) || v > 1)) throw new InputError(`fault rate ${k} must be between 0 and 1`, { field: '--faults' });
  }
  const exclusive = (rates.throttle ?? 0) + (rates.serverError ?? 0) + (rates.unavailable ?? 0) + (rates.reset ?? 0);
  if (exclusive > 1) throw new InputError('throttle + server-error + unavailable + reset must not exceed 1', { field: '--faults' });
  return rates;
}

export function drawFault(rates: FaultRates, seed: number, requestSeq: number): FaultDraw {
  const u = hashUniform(seed, 'fault', requestSeq);
  const slowMs = hashUniform(seed, 'slow', requestSeq) < (rates.slow ?? 0) ? rates.slowMs ?? 2000 : 0;
  let edge = 0;
  for (const [kind, rate] of [
    ['throttle', rates.throttle],
    ['server-error', rates.serverError],
    ['unavailable', rates.unavailable],
    ['reset', rates.reset],
  ] as const) {
    edge += rate ?? 0;
    if (u < edge) return { kind, slowMs };
  }
  return { kind: 'none', slowMs };
}

/** The error an injected fault turns into, per service (agent-runtime has BadGateway where runtime has ServiceUnavailable). */
export function faultError(kind: FaultDraw['kind'], service: 'runtime' | 'agent-runtime' | 'control'): { status: number; code: string; message: string } | undefined {
  switch (kind) {
    case 'throttle':
      return { status: 429, code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    case 'server-error':
      return { status: 500, code: 'InternalServerException', message: 'The server encountered an internal error (injected fault).' };
    case 'unavailable':
      return service === 'agent-runtime'
        ? { status: 502, code: 'BadGatewayException', message: 'Bad gateway (injected fault).' }
        : { status: 503, code: 'ServiceUnavailableException', message: 'The service is unavailable. Try again later (injected fault).' };
    default:
      return undefined;
  }
}
