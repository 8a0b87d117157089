/**
 * Turn whatever the SDK (or the network, or an abort) threw into a TargetError that says whether the runner may
 * retry and whether the failure was throttling (which backs off longer and slows the whole system down).
 */
import { TargetError } from './types.js';

const THROTTLE_NAMES = new Set(['ThrottlingException', 'ModelNotReadyException', 'TooManyRequestsException']);
const RETRYABLE_NAMES = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'ModelTimeoutException',
  'ModelStreamErrorException',
  'DependencyFailedException',
  'BadGatewayException',
  'TimeoutError',
  'RequestTimeout',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Stream exception events come as the union member name (`throttlingException`); normalise to the type name. */
function normaliseName(name: string): string {
  return name.length > 0 && name[0] === name[0].toLowerCase() && name.endsWith('Exception') ? name[0].toUpperCase() + name.slice(1) : name;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/**
 * @param signal the call's signal: when it fired because of the per-call timeout the error is a retryable
 *   `Timeout`; when the run itself was cancelled it is a non-retryable `Aborted`.
 */
export function toTargetError(err: unknown, signal?: AbortSignal): TargetError {
  if (err instanceof TargetError) return err;
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as ErrorLike;
  const message = oneLine(e.message ?? String(err));

  if (signal?.aborted || e.name === 'AbortError') {
    const reason = signal?.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return new TargetError('call timed out', 'Timeout', { retryable: true, cause: err });
    if (signal?.aborted) return new TargetError('call aborted', 'Aborted', { retryable: false, cause: err });
  }

  const name = normaliseName(e.name ?? 'Error');
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLE_NAMES.has(name) || status === 429 || /too many (requests|tokens)/i.test(message)) {
    return new TargetError(message, name === 'Error' ? 'ThrottlingException' : name, { retryable: true, throttled: true, cause: err });
  }
  if (RETRYABLE_NAMES.has(name) || (status !== undefined && status >= 500) || e.$fault === 'server') {
    return new TargetError(message, name, { retryable: true, cause: err });
  }
  const code = e.code ?? (e.cause as ErrorLike | undefined)?.code;
  if (code && NETWORK_CODES.has(code)) return new TargetError(message, code, { retryable: true, cause: err });
  if (/ECONNRESET|socket hang up|stream (was )?(reset|closed)|premature close|GOAWAY/i.test(message)) {
    return new TargetError(message, 'NetworkError', { retryable: true, cause: err });
  }
  // Validation, AccessDenied, ResourceNotFound, ModelError and anything unknown: retrying will not help.
  return new TargetError(message, name, { retryable: false, cause: err });
}

function oneLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
