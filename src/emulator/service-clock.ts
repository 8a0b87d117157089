/**
 * The modelled service's schedule for one request, kept against the wall clock from the moment the request arrived.
 *
 * Why: Bedrock's `metrics.latencyMs` is the service's own time for the call, and the service's compute happens inside
 * it. The emulator reports its modelled time there (latency.ts), so its own compute (parsing, the reference model,
 * tokenizing, framing) must happen inside that time too, not on top of it: otherwise every call's client time is
 * modelled time + emulator compute, and client minus service measures the emulator instead of the client. So each
 * wait is to an absolute deadline (arrival + modelled time so far): compute done before a deadline is absorbed, and
 * timer overshoot on one wait is not carried into the next (per-token waits of 1 ms would otherwise add up).
 *
 * When compute or a busy host makes the emulator miss its schedule, the reported figure stays the modelled one (an
 * emulated verdict must not change with machine load); the miss is visible in the emulator's timing log.
 */
export class ServiceClock {
  private modelled = 0;

  /** @param arrivedAt `performance.now()` when the request reached the emulator. */
  constructor(readonly arrivedAt: number) {}

  /** Modelled service time so far (what the emulator reports as the service's latency). */
  get modelledMs(): number {
    return this.modelled;
  }

  /** Adds `ms` of modelled service time without waiting (the next `advance` waits for all of it). */
  add(ms: number): void {
    if (ms > 0) this.modelled += ms;
  }

  /** Adds `ms` of modelled service time and waits until the wall clock reaches it (at once if it already has). */
  advance(ms: number): Promise<void> {
    this.add(ms);
    return sleepUntil(this.arrivedAt + this.modelled);
  }
}

/**
 * Resolves at `deadline` (a `performance.now()` reading), or at once when it has passed. A timer can fire up to a
 * millisecond early (libuv keeps whole-millisecond loop time), so an early wake-up waits again: the answer never
 * leaves before its modelled time.
 */
export function sleepUntil(deadline: number): Promise<void> {
  if (deadline - performance.now() <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      const wait = deadline - performance.now();
      if (wait <= 0) resolve();
      else setTimeout(check, wait);
    };
    check();
  });
}

/** One served data-plane request, as the timing log records it. */
export interface ServedTiming {
  requestId: string;
  /** Route pattern, e.g. `/model/{modelId}/converse-stream`. */
  operation: string;
  /** Epoch milliseconds (sub-millisecond precision) when the request arrived, comparable across threads. */
  arrivedAtEpochMs: number;
  /** Wall time from arrival to the end of the response. */
  wallMs: number;
  /** The modelled service time the emulator reported for it. */
  modelledMs: number;
}

/** Epoch milliseconds of a `performance.now()` reading of this thread. */
export function epochMsOf(now: number): number {
  return performance.timeOrigin + now;
}
