/**
 * Stage "record": a finished pair becomes one journal line (written at once, so a killed run loses only the calls in
 * flight), is counted, kept in memory (or, with a JournalIndex, only where its line lies) when the caller wants
 * records, and reported to progress and `onResult`.
 */
import type { TargetResponse } from '../targets/types.js';
import type { Accounts } from './account.js';
import type { JournalIndex, PairLine } from './journal-index.js';
import type { JournalRecord } from './journal.js';
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

/** Where a journal write put a line (JournalWriter.append's answer). */
export interface Appender {
  append(r: JournalRecord): { offset: number; length: number } | void;
}

export class Recorder {
  /** Null when the caller asked for counters only (`keepRecords: false`) or for an index. */
  readonly records: RecordTable | null;

  constructor(
    private readonly journal: Appender,
    private readonly accounts: Accounts,
    private readonly progress: Pick<ProgressReporter, 'update'>,
    keep: boolean,
    private readonly onResult?: (record: JournalRecord) => void,
    /** Keep each pair's journal position here instead of its record. */
    readonly index: JournalIndex | null = null,
  ) {
    this.records = keep && !index ? new Map() : null;
  }

  /**
   * Keep a record without journaling or counting it (a pair finished by an earlier run): the record itself, or with
   * an index the line it came from.
   */
  keep(r: JournalRecord, line?: PairLine): void {
    if (this.index && line) this.index.set(line);
    if (!this.records) return;
    let bySystem = this.records.get(r.itemId);
    if (!bySystem) this.records.set(r.itemId, (bySystem = new Map()));
    bySystem.set(r.systemId, r);
  }

  /** Drop a kept record (a resumed pair whose later journal line failed). */
  forget(itemId: string, systemId: string, pair?: { item: number; system: number }): void {
    if (this.index && pair) this.index.delete(pair.system, pair.item);
    const bySystem = this.records?.get(itemId);
    bySystem?.delete(systemId);
    if (bySystem?.size === 0) this.records!.delete(itemId);
  }

  /**
   * Puts the kept records in the set's order, each item's systems in `systemIds` order (records kept while a journal
   * was read arrive in the order calls finished).
   */
  orderBy(items: Iterable<{ id: string }>, systemIds: readonly string[]): void {
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

  /** A pair this run finished: journal, count, keep, report. `pair` places it in the index, when there is one. */
  finish(r: JournalRecord, pair?: { item: number; system: number }): void {
    const at = this.journal.append(r);
    this.accounts.count(r, r.systemId);
    this.keep(r, at && pair ? { ...pair, ...at } : undefined);
    this.onResult?.(r);
    this.progress.update(this.accounts.progress());
  }
}
