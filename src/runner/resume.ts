/**
 * Resuming a journal: which of this run's pairs an earlier run already answered, read as a stream into one byte per
 * pair (plus the final record's counters while the journal is read), instead of a map of every parsed record keyed
 * by a pair string. The last line of a pair wins: a pair that failed and later succeeded, or the reverse, counts once,
 * as it ended. Pairs of items or systems this run does not have are ignored.
 */
import type { Accounts } from './account.js';
import type { PairLine } from './journal-index.js';
import { readJournalEntries, repairTornTail, type JournalRecord } from './journal.js';

const ANSWERED = 1;
const CACHED = 2;

/** Receives the final answered record of each resumed pair (and where its line lies), when the caller keeps records. */
export interface ResumeSink {
  keep(r: JournalRecord, line: PairLine): void;
  /** A pair whose earlier answered line was followed by a failed one: no longer answered. */
  forget(itemId: string, systemId: string, pair: { item: number; system: number }): void;
}

export class FinishedPairs {
  /** Per system, per item: ANSWERED | CACHED bits of the pair's final journal line. */
  private readonly state: Uint8Array[];

  constructor(
    private readonly itemCount: number,
    systemCount: number,
  ) {
    this.state = Array.from({ length: systemCount }, () => new Uint8Array(itemCount));
  }

  /** Whether the pair ended answered in the journal (so it will not be called again). */
  has(systemIndex: number, itemIndex: number): boolean {
    return (this.state[systemIndex][itemIndex] & ANSWERED) !== 0;
  }

  /**
   * Reads the journal at `path` (repairing a torn last line first), marks the pairs that ended answered, and counts
   * them in `accounts` as resumed.
   */
  static async read(
    path: string,
    itemIndex: ReadonlyMap<string, number>,
    systemIds: readonly string[],
    accounts: Accounts,
    sink?: ResumeSink,
  ): Promise<FinishedPairs> {
    const pairs = new FinishedPairs(itemIndex.size, systemIds.length);
    const systems = new Map(systemIds.map((id, i) => [id, i]));
    // The final line's counters, needed only until every line has been read.
    const retries = systemIds.map(() => new Uint32Array(itemIndex.size));
    const throttles = systemIds.map(() => new Uint32Array(itemIndex.size));
    repairTornTail(path);
    for await (const { record: r, offset, length } of readJournalEntries(path)) {
      const item = itemIndex.get(r.itemId);
      const system = systems.get(r.systemId);
      if (item === undefined || system === undefined) continue;
      const was = pairs.state[system][item];
      pairs.state[system][item] = r.ok ? ANSWERED | (r.cached ? CACHED : 0) : 0;
      retries[system][item] = r.retries;
      throttles[system][item] = r.throttles;
      if (r.ok) sink?.keep(r, { item, system, offset, length });
      else if (was & ANSWERED) sink?.forget(r.itemId, r.systemId, { item, system });
    }
    // Counted in item order, system by system within an item, as the pairs would have run.
    for (let item = 0; item < pairs.itemCount; item++) {
      for (let system = 0; system < systemIds.length; system++) {
        const s = pairs.state[system][item];
        if (!(s & ANSWERED)) continue;
        accounts.countResumed({ ok: true, retries: retries[system][item], throttles: throttles[system][item], cached: (s & CACHED) !== 0 }, systemIds[system]);
      }
    }
    return pairs;
  }
}
