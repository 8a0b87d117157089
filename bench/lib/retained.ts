/**
 * Memory a bench's own process still holds: heap and off-heap (typed arrays, buffers) bytes reachable after a full
 * collection. The collector is exposed on first use, so a bench needs no `--expose-gc` flag.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function retainedBytes(): number {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  const m = process.memoryUsage();
  // `external` already includes `arrayBuffers` (typed arrays), so they are not added again.
  return m.heapUsed + m.external;
}
