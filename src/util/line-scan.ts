/**
 * Complete lines of a file read by descriptor, split on the raw bytes (not decoded text) so every line's byte
 * offset is exact for any UTF-8: what the cache store indexes and the journal reads back by position.
 */
import { readSync } from 'node:fs';

const CHUNK = 1 << 20;

/**
 * Calls `line(offset, bytes)` for every complete line (its newline included) between `from` and `size`; returns
 * where the complete lines end (a line cut off at `size` is left for the next scan). `bytes` is only valid during
 * the call: the read buffer is reused.
 */
export function scanLines(fd: number, from: number, size: number, line: (offset: number, bytes: Buffer) => void): number {
  let position = from;
  let carry = Buffer.alloc(0);
  let carryStart = from;
  // Sized to what there is to read: a lookup that misses scans only the few records appended since the last one.
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(0, size - from)));
  while (position < size) {
    const read = readSync(fd, buffer, 0, Math.min(CHUNK, size - position), position);
    if (read <= 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      line(carryStart + start, data.subarray(start, nl + 1));
      start = nl + 1;
    }
    carryStart += start;
    carry = Buffer.from(data.subarray(start));
  }
  return carryStart;
}
