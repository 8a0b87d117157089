/** One attempt of one call: its own abort signal (timeout or run cancelled), enforced even on a target that ignores it. */
import type { Target, TargetRequest, TargetResponse } from '../targets/types.js';

/**
 * A per-call signal that fires on the timeout (reason: a `TimeoutError`, which makes the error retryable) or when
 * the run is cancelled. Built by hand rather than with AbortSignal.any so the listener on the long-lived run
 * signal is removed after every call (bounded memory over 100,000s of calls).
 */
export function callController(timeoutMs: number, runSignal: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(runSignal.reason);
  const timer = setTimeout(() => controller.abort(new DOMException(`call exceeded ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  if (runSignal.aborted) onRunAbort();
  else runSignal.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}

/** Enforce the signal even for a target that ignores it, so one hung call cannot hang the run. */
export function invokeWithSignal(target: Target, request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
  if (signal.aborted) return Promise.reject(abortErrorOf(signal));
  return new Promise<TargetResponse>((resolve, reject) => {
    const onAbort = () => reject(abortErrorOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    target.invoke(request, { signal }).then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortErrorOf(signal: AbortSignal): Error {
  const err = new Error('call aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

