/**
 * Client-side limits for one system: a concurrency limit that shrinks when the service throttles (AIMD, like TCP
 * congestion control) and token buckets for requests and tokens per minute. Waiting here happens before a target
 * is invoked, so it never counts as measured latency.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Concurrency limit that halves on throttling (at most once per `cooldownMs`, so one burst of throttles counts as
 * one signal) and creeps back by 1/limit per success, like TCP congestion control. Never below 1 or above `max`.
 */
export class AdaptiveLimit {
  private limit: number;
  private inUse = 0;
  private lastDecrease = -Infinity;

  constructor(
    private readonly max: number,
    private readonly cooldownMs: number,
  ) {
    this.limit = max;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  get active(): number {
    return this.inUse;
  }

  tryAcquire(): boolean {
    if (this.inUse >= this.current) return false;
    this.inUse++;
    return true;
  }

  release(): void {
    this.inUse--;
  }

  onSuccess(): void {
    if (this.limit < this.max) this.limit = Math.min(this.max, this.limit + 1 / this.limit);
  }

  onThrottle(now = performance.now()): void {
    if (now - this.lastDecrease < this.cooldownMs) return;
    this.lastDecrease = now;
    this.limit = Math.max(1, this.limit / 2);
  }
}

/**
 * Token bucket refilled continuously at `perMinute / 60_000` per ms, holding at most one second's worth (or one
 * request's cost, if larger) so bursts stay small. Balance may go negative after a correction; later takers wait.
 */
export class TokenBucket {
  private balance: number;
  private last: number;
  private readonly ratePerMs: number;
  private readonly capacity: number;
  private queue: Promise<void> = Promise.resolve();

  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<unknown>;

  constructor(perMinute: number, clock: { now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown> } = {}) {
    this.ratePerMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.balance = this.capacity;
    this.now = clock.now ?? (() => performance.now());
    this.sleep = clock.sleep ?? ((ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined));
    this.last = this.now();
  }

  private refill(): void {
    const now = this.now();
    this.balance = Math.min(this.capacity, this.balance + (now - this.last) * this.ratePerMs);
    this.last = now;
  }

  /** Wait until `amount` can be taken, then take it. Takers are served in order. */
  take(amount: number, signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      // A request bigger than the bucket waits for a full bucket and then runs into debt.
      const need = Math.min(amount, this.capacity);
      for (;;) {
        this.refill();
        if (this.balance >= need) break;
        await this.sleep(Math.ceil((need - this.balance) / this.ratePerMs), signal);
      }
      this.balance -= amount;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Give back (positive) or charge (negative) the difference between an estimate and the measured amount. */
  adjust(delta: number): void {
    this.refill();
    this.balance = Math.min(this.capacity, this.balance + delta);
  }
}
