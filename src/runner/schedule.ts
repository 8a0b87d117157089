/**
 * Stage "schedule": which pair runs when. Items are taken in order and, for each item, every system's pair is queued
 * in a seeded shuffled order; a system starts a queued pair whenever its concurrency limit has a free slot. A system
 * may fall at most `lookahead` items behind the dispatcher before dispatch waits for it, so fast systems use their
 * whole concurrency while every system still works on nearby items at the same time (fair latency comparisons), and
 * memory stays bounded by the calls in flight and the backlog.
 */

export interface ScheduledLane {
  readonly id: string;
  readonly limit: { tryAcquire(): boolean; release(): void };
}

export interface ScheduleOptions<I, L extends ScheduledLane> {
  items: { readonly length: number; at(index: number): I | undefined } & Iterable<I>;
  /** The lanes of one item, in the order their pairs are queued. */
  order: (item: I) => readonly L[];
  /** Pairs already finished (e.g. by a resumed run) are not queued. `index` is the item's position in `items`. */
  skip: (item: I, lane: L, index: number) => boolean;
  lookahead: number;
  signal: AbortSignal;
  /**
   * Runs one pair (`index` is the item's position in `items`). Its slot is released when it settles; a rejection goes
   * to `onError` (the runner's own failures).
   */
  run: (item: I, lane: L, index: number) => Promise<void>;
  onError: (err: unknown) => void;
}

/** Resolves when every queued pair has settled, or, once `signal` fires, when the pairs in flight have. */
export async function schedule<I, L extends ScheduledLane>(opts: ScheduleOptions<I, L>): Promise<void> {
  // Per lane, the positions of its queued items (numbers, not the items: a caller finds an item's place from it).
  const backlog = new Map<L, number[]>();
  const inflight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sleepUntilNotified = () => new Promise<void>((resolve) => (wake = resolve));
  const queueOf = (lane: L) => {
    let q = backlog.get(lane);
    if (!q) backlog.set(lane, (q = []));
    return q;
  };
  const launch = (index: number, lane: L) => {
    const p: Promise<void> = opts
      .run(opts.items.at(index)!, lane, index)
      .catch(opts.onError)
      .finally(() => {
        lane.limit.release();
        inflight.delete(p);
        pump(lane);
        notify();
      });
    inflight.add(p);
  };
  const pump = (lane: L) => {
    const queue = queueOf(lane);
    while (queue.length > 0 && !opts.signal.aborted && lane.limit.tryAcquire()) launch(queue.shift()!, lane);
  };
  const backlogFull = () => [...backlog.values()].some((q) => q.length >= opts.lookahead);
  const anyQueued = () => [...backlog.values()].some((q) => q.length > 0);

  let index = -1;
  dispatch: for (const item of opts.items) {
    index++;
    for (const lane of opts.order(item)) {
      if (opts.signal.aborted) break dispatch;
      if (opts.skip(item, lane, index)) continue;
      queueOf(lane).push(index);
      pump(lane);
    }
    while (backlogFull() && !opts.signal.aborted) await sleepUntilNotified();
  }
  // Drain: wait until every backlog is empty and nothing is in flight.
  while (inflight.size > 0 || (!opts.signal.aborted && anyQueued())) {
    if (inflight.size === 0) for (const lane of backlog.keys()) pump(lane);
    else await sleepUntilNotified();
  }
}
