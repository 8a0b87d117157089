/**
 * Stage "record": a finished pair becomes one journal line (written at once, so a killed run loses only the calls in
 * flight), is counted, kept in memory when the caller wants records, and reported to progress and `onResult`.
 */
import type { TargetResponse } from '../targets/types.js';
import type { Accounts } from './account.js';
import type { JournalRecord, JournalWriter } from './journal.js';
import type { ProgressReporter } from './progress.js';

/** How a pair ended: answered (perhaps from the cache) or failed after its retries. */
export type PairResult =
  | { ok: true; response: TargetResponse; retries: number; throttles: number; cached?: boolean }
  | { ok: false; error: { code: string; message: string }; retries: number; throttles: number };

export function recordOf(itemId: string, systemId: string, result: PairResult, startedAt: string, finishedAt = new Date().toISOString()): JournalRecord {
  return {
    v: 1,
    itemId,
    systemId,
    ok: result.ok,
    ...(result.ok ? { response: result.response } : { error: result.error }),
    retries: result.retries,
    throttles: result.throttles,
    ...(result.ok && result.cached ? { cached: true } : {}),
    startedAt,
    finishedAt,
  };
}

/** itemId -> systemId -> final record. */
export type RecordTable = Map<string, Map<string, JournalRecord>>;

export class Recorder {
  /** Null when the caller asked for counters only (`keepRecords: false`). */
  readonly records: RecordTable | null;

  constructor(
    private readonly journal: Pick<JournalWriter, 'append'>,
    private readonly accounts: Accounts,
    private readonly progress: Pick<ProgressReporter, 'update'>,
    keep: boolean,
    private readonly onResult?: (record: JournalRecord) => void,
  ) {
    this.records = keep ? new Map() : null;
  }

  /** Keep a record in memory without journaling or counting it (a pair finished by an earlier run). */
  keep(r: JournalRecord): void {
    if (!this.records) return;
    let bySystem = this.records.get(r.itemId);
    if (!bySystem) this.records.set(r.itemId, (bySystem = new Map()));
    bySystem.set(r.systemId, r);
  }

  /** Drop a kept record (a resumed pair whose later journal line failed). */
  forget(itemId: string, systemId: string): void {
    const bySystem = this.records?.get(itemId);
    bySystem?.delete(systemId);
    if (bySystem?.size === 0) this.records!.delete(itemId);
  }

  /**
   * Puts the kept records in the set's order, each item's systems in `systemIds` order (records kept while a journal
   * was read arrive in the order calls finished).
   */
  orderBy(items: readonly { id: string }[], systemIds: readonly string[]): void {
    if (!this.records) return;
    const kept = new Map(this.records);
    this.records.clear();
    for (const item of items) {
      const bySystem = kept.get(item.id);
      if (!bySystem) continue;
      const ordered = new Map<string, JournalRecord>();
      for (const id of systemIds) {
        const r = bySystem.get(id);
        if (r) ordered.set(id, r);
      }
      this.records.set(item.id, ordered);
    }
  }

  /** A pair this run finished: journal, count, keep, report. */
  finish(r: JournalRecord): void {
    this.journal.append(r);
    this.accounts.count(r, r.systemId);
    this.keep(r);
    this.onResult?.(r);
    this.progress.update(this.accounts.progress());
  }
}
