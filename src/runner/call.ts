/**
 * One attempt of one call: its own abort signal (timeout or run cancelled), enforced even on a target that ignores it.
 *
 * Per call this costs one AbortController, one timer and one Promise.race, and no event listeners: the run's signal
 * has a single listener (the supervisor's) that aborts every call in flight, instead of one listener per call added
 * and removed 100,000s of times.
 */
import type { Target, TargetRequest, TargetResponse } from '../targets/types.js';

interface LiveCall {
  abort(reason: unknown): void;
}

export interface StartedCall {
  /** The call's own signal: fires on its timeout (reason: a `TimeoutError`, so the error is retryable) or when the run is cancelled. */
  signal: AbortSignal;
  /** Settles with the target's answer, or rejects with its error, or with an AbortError as soon as the signal fires. */
  response: Promise<TargetResponse>;
}

export class CallSupervisor {
  private readonly live = new Set<LiveCall>();
  private readonly onRunAbort = () => {
    for (const call of [...this.live]) call.abort(this.runSignal.reason);
  };

  constructor(
    private readonly timeoutMs: number,
    private readonly runSignal: AbortSignal,
  ) {
    if (!runSignal.aborted) runSignal.addEventListener('abort', this.onRunAbort, { once: true });
  }

  /** Calls in flight (for tests and progress). */
  get inFlight(): number {
    return this.live.size;
  }

  start(target: Target, request: TargetRequest): StartedCall {
    const controller = new AbortController();
    let fail!: (err: Error) => void;
    const aborted = new Promise<never>((_, reject) => (fail = reject));
    aborted.catch(() => undefined); // only ever observed through the race below
    const call: LiveCall = {
      abort(reason) {
        if (controller.signal.aborted) return;
        controller.abort(reason);
        fail(abortErrorOf(controller.signal));
      },
    };
    const timer = setTimeout(() => call.abort(new DOMException(`call exceeded ${this.timeoutMs} ms`, 'TimeoutError')), this.timeoutMs);
    this.live.add(call);
    if (this.runSignal.aborted) call.abort(this.runSignal.reason);
    const invoked = new Promise<TargetResponse>((resolve) => resolve(target.invoke(request, { signal: controller.signal })));
    const response = Promise.race([invoked, aborted]).finally(() => {
      clearTimeout(timer);
      this.live.delete(call);
    });
    return { signal: controller.signal, response };
  }

  /** Stop listening on the run's signal (call when the run is over). */
  dispose(): void {
    this.runSignal.removeEventListener('abort', this.onRunAbort);
  }
}

function abortErrorOf(signal: AbortSignal): Error {
  const err = new Error('call aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}
