/**
 * Bedrock batch inference input files: stable record ids derived from item ids, and the split of records into JSONL
 * files that respect the service's limits (reference/bedrock.md §3): at least 100 records per job, at most 50,000
 * records and 1 GB per input file.
 */
import { createHash } from 'node:crypto';

export const BATCH_MIN_RECORDS = 100;
export const BATCH_MAX_RECORDS_PER_FILE = 50_000;
export const BATCH_MAX_BYTES_PER_FILE = 1024 ** 3;

export interface BatchRecordLine {
  recordId: string;
  modelInput: Record<string, unknown>;
}

/**
 * recordId per item id: 11 characters like Bedrock's own `CALL0000001`, a hash of the item id so the same item gets
 * the same id in every run (output lines can be matched back without trusting their order). Collisions, which are
 * rare but possible, are resolved by rehashing with a counter, so the mapping stays one-to-one.
 */
export function assignRecordIds(itemIds: readonly string[]): Map<string, string> {
  const byItem = new Map<string, string>();
  const taken = new Set<string>();
  for (const itemId of itemIds) {
    if (byItem.has(itemId)) continue;
    for (let k = 0; ; k++) {
      const id = `R${createHash('sha256').update(k === 0 ? itemId : `${itemId}\u0000${k}`).digest('hex').slice(0, 10).toUpperCase()}`;
      if (!taken.has(id)) {
        taken.add(id);
        byItem.set(itemId, id);
        break;
      }
    }
  }
  return byItem;
}

export interface SplitLimits {
  maxRecordsPerFile: number;
  maxBytesPerFile: number;
}

/**
 * Splits serialized JSONL lines into files that each stay within the record and byte limits (a line's newline
 * counts). Order is kept. A single line bigger than the byte limit cannot be sent at all: that is an error.
 */
export function splitIntoFiles(lines: readonly string[], limits: Partial<SplitLimits> = {}): string[][] {
  const maxRecords = limits.maxRecordsPerFile ?? BATCH_MAX_RECORDS_PER_FILE;
  const maxBytes = limits.maxBytesPerFile ?? BATCH_MAX_BYTES_PER_FILE;
  const files: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const [i, line] of lines.entries()) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (size > maxBytes) throw new RangeError(`record ${i + 1} is ${size} bytes, more than the ${maxBytes}-byte limit of one batch input file`);
    if (current.length > 0 && (current.length >= maxRecords || bytes + size > maxBytes)) {
      files.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) files.push(current);
  return files;
}

/** `part-00001.jsonl`…: names that sort in order and say nothing about the content. */
export function partFileName(index: number): string {
  return `part-${String(index + 1).padStart(5, '0')}.jsonl`;
}
