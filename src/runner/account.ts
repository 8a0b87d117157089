/**
 * Stage "account": the run's counters. Every finished pair (answered, failed, or taken from a resumed journal) is
 * counted once, as it ended: completed or failed, its retries and throttles, and whether the cache answered it.
 */
import type { JournalRecord } from './journal.js';
import type { ProgressCounts } from './progress.js';

export interface SystemCounters {
  completed: number;
  failed: number;
  retries: number;
  throttles: number;
  cacheHits: number;
}

export type Countable = Pick<JournalRecord, 'ok' | 'retries' | 'throttles' | 'cached'>;

export class Accounts {
  completed = 0;
  failed = 0;
  /** Pairs skipped because the journal already had their answer. */
  resumed = 0;
  cacheHits = 0;
  retries = 0;
  throttles = 0;
  readonly perSystem: Record<string, SystemCounters>;

  constructor(systemIds: readonly string[]) {
    this.perSystem = Object.fromEntries(systemIds.map((id) => [id, { completed: 0, failed: 0, retries: 0, throttles: 0, cacheHits: 0 }]));
  }

  count(r: Countable, systemId: string): void {
    const c = this.perSystem[systemId];
    if (r.ok) (this.completed++, c.completed++);
    else (this.failed++, c.failed++);
    this.retries += r.retries;
    c.retries += r.retries;
    this.throttles += r.throttles;
    c.throttles += r.throttles;
    if (r.cached) (this.cacheHits++, c.cacheHits++);
  }

  /** A pair a previous run finished: counted, and remembered as resumed. */
  countResumed(r: Countable, systemId: string): void {
    this.count(r, systemId);
    this.resumed++;
  }

  progress(): ProgressCounts {
    return { done: this.completed + this.failed, failed: this.failed, retries: this.retries, throttles: this.throttles };
  }
}
