/**
 * Where each pair's final record lies in the journal: 12 bytes a pair (a Float64Array of byte offsets and an
 * Int32Array of lengths, system-major) instead of the parsed record, so a run of 100k items x 4 systems holds 4.8 MB
 * for its answers rather than every output and context. The records are read back with one positioned read each.
 */
import { JournalLineReader, type JournalRecord } from './journal.js';

/** A pair's position in the run (item index in the set, system index in the run's systems) and its journal line. */
export interface PairLine {
  item: number;
  system: number;
  offset: number;
  length: number;
}

export class JournalIndex {
  private readonly offsets: Float64Array;
  private readonly lengths: Int32Array;

  constructor(
    readonly path: string,
    readonly itemCount: number,
    readonly systemIds: readonly string[],
  ) {
    this.offsets = new Float64Array(itemCount * systemIds.length).fill(-1);
    this.lengths = new Int32Array(itemCount * systemIds.length);
  }

  set(line: PairLine): void {
    const slot = line.system * this.itemCount + line.item;
    this.offsets[slot] = line.offset;
    this.lengths[slot] = line.length;
  }

  delete(system: number, item: number): void {
    this.offsets[system * this.itemCount + item] = -1;
  }

  /**
   * Opens the journal for reading records back; close the reader when done. `read` returns undefined for a pair
   * with no final record (not run, or interrupted).
   */
  open(): { read(system: number, item: number): JournalRecord | undefined; close(): void } {
    const reader = new JournalLineReader(this.path);
    return {
      read: (system, item) => {
        const slot = system * this.itemCount + item;
        return this.offsets[slot] >= 0 ? reader.read(this.offsets[slot], this.lengths[slot]) : undefined;
      },
      close: () => reader.close(),
    };
  }
}
